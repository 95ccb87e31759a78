// `make assets`: Bootstrap Italia reduced to what the portal uses, written to
// static/bootstrap-italia/ (committed, so running the portal needs neither Sass nor esbuild):
//
//   css/bootstrap-italia.min.css  Sass, assets/bootstrap-italia.scss (the partials we use)
//   js/bootstrap-italia.min.js    esbuild, assets/bootstrap-italia.js (the plugins we use)
//   svg/sprites.svg               the icons that templates/ and static/js/ name (#it-...)
//
// The fonts are served as they are from node_modules/bootstrap-italia/dist/fonts
// (STATICFILES_DIRS). tests/distretto/test_assets.py fails when a template names an icon
// the sprite lacks, or when assets/ changed after the last build.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as esbuild from 'esbuild'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bi = join(root, 'node_modules', 'bootstrap-italia')
const out = join(root, 'static', 'bootstrap-italia')
const version = JSON.parse(readFileSync(join(bi, 'package.json'), 'utf8')).version
const banner = `/*! Bootstrap Italia v${version} (BSD-3-Clause), reduced to the parts used by the Distretto portal: see assets/ */`

function write(path, content) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
  console.log(`${relative(root, path)}  ${(Buffer.byteLength(content) / 1024).toFixed(1)} KB`)
}

function files(folder, suffixes) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return files(path, suffixes)
    return suffixes.some((suffix) => name.endsWith(suffix)) ? [path] : []
  })
}

// CSS
const css = sass.compile(join(root, 'assets', 'bootstrap-italia.scss'), {
  loadPaths: [join(bi, 'src', 'scss'), join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'mixed-decls', 'slash-div'],
  logger: sass.Logger.silent,
})
write(join(out, 'css', 'bootstrap-italia.min.css'), `${banner}\n${css.css}\n`)

// JavaScript
const js = await esbuild.build({
  entryPoints: [join(root, 'assets', 'bootstrap-italia.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2019'],
  legalComments: 'none',
  write: false,
  nodePaths: [join(root, 'node_modules')],
})
write(join(out, 'js', 'bootstrap-italia.min.js'), `${banner}\n${js.outputFiles[0].text}`)

// Icons: only the symbols that templates and scripts name in a <use> element.
const sprite = readFileSync(join(bi, 'dist', 'svg', 'sprites.svg'), 'utf8')
const symbols = new Map()
for (const match of sprite.matchAll(/<symbol\b[^>]*\bid="([^"]+)"[\s\S]*?<\/symbol>/g)) {
  symbols.set(match[1], match[0])
}
const used = new Set()
for (const path of [...files(join(root, 'templates'), ['.html']), ...files(join(root, 'static', 'js'), ['.js'])]) {
  // The icon may be chosen by the template: <use href="{{ sprites }}#{% if a %}it-file{% else %}it-flag{% endif %}">
  for (const use of readFileSync(path, 'utf8').matchAll(/<use\b[^>]*>/g)) {
    for (const match of use[0].matchAll(/\bit-[a-z0-9-]+/g)) used.add(match[0])
  }
}
const missing = [...used].filter((name) => !symbols.has(name))
if (missing.length) {
  console.error(`icons named in templates but not in Bootstrap Italia's sprite: ${missing.join(', ')}`)
  process.exit(1)
}
const kept = [...used].sort().map((name) => symbols.get(name))
write(
  join(out, 'svg', 'sprites.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">${kept.join('')}</svg>\n`,
)

// What the build was made from, for the test that catches a forgotten rebuild.
const inputs = createHash('sha256')
for (const path of files(join(root, 'assets'), ['.scss', '.js', '.mjs']).sort()) {
  inputs.update(relative(root, path)).update(readFileSync(path))
}
// The Bootstrap Italia release pinned in package.json (the build's other input).
inputs.update(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies['bootstrap-italia'])
write(join(out, 'build-inputs.sha256'), `${inputs.digest('hex')}\n`)
