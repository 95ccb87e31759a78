// `make assets`: Bootstrap Italia reduced to what the portal uses, written to
// static/bootstrap-italia/ (committed, so running the portal needs neither Sass nor esbuild):
//
//   css/bootstrap-italia.min.css  Sass, assets/bootstrap-italia.scss (the partials we use)
//   js/bootstrap-italia.min.js    esbuild, assets/bootstrap-italia.js (the plugins we use)
//   svg/sprites.svg               the icons that templates/ and static/js/ name (#it-...)
//
//   ../fonts/, ../css/fonts.css   the fonts, each face also as a Latin subset (below)
//
// Nothing is served from node_modules. tests/distretto/test_assets.py fails when a template
// names an icon the sprite lacks or a class the stylesheet left out, or when assets/ changed
// after the last build.
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
write(join(root, 'assets', 'build-inputs.sha256'), `${inputs.digest('hex')}\n`)

// Fonts: Bootstrap Italia's files cover Latin and Latin Extended (Polish, Czech, Turkish,
// ...). Italian, German and English pages need only Latin: a subset of each face, a third
// smaller, is what browsers download; the full file stays as the face for the other letters
// (unicode-range), fetched only by a page that has one. Both go to static/fonts/ (WOFF2 only:
// every browser that knows unicode-range reads it); static/css/fonts.css is written here.
const LATIN =
  'U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, ' +
  'U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD'
const LATIN_EXTENDED =
  'U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+1D00-1DBF, U+1E00-1E9F, ' +
  'U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF'
const FACES = [
  ['Titillium Web', 'Titillium_Web', 'titillium-web-v10', [[300, 'normal', '300'], [300, 'italic', '300italic'], [400, 'normal', 'regular'], [400, 'italic', 'italic'], [700, 'normal', '700'], [700, 'italic', '700italic'], [600, 'normal', '600'], [600, 'italic', '600italic']]],
  ['Lora', 'Lora', 'lora-v20', [[400, 'normal', 'regular'], [700, 'normal', '700'], [400, 'italic', 'italic'], [700, 'italic', '700italic']]],
  ['Roboto Mono', 'Roboto_Mono', 'roboto-mono-v13', [[400, 'normal', 'regular'], [700, 'normal', '700'], [400, 'italic', 'italic'], [700, 'italic', '700italic']]],
]
const { default: subsetFont } = await import('subset-font')
const latinText = LATIN.split(', ')
  .flatMap((range) => {
    const [from, to] = range.slice(2).split('-').map((hex) => parseInt(hex, 16))
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => String.fromCodePoint(from + i))
  })
  .join('')
const rules = []
for (const [family, folder, stem, faces] of FACES) {
  for (const [weight, style, variant] of faces) {
    const full = `${stem}-latin-ext_latin-${variant}`
    const latin = `${stem}-latin-${variant}`
    const source = readFileSync(join(bi, 'dist', 'fonts', folder, `${full}.woff2`))
    write(join(root, 'static', 'fonts', folder, `${full}.woff2`), source)
    write(join(root, 'static', 'fonts', folder, `${latin}.woff2`), await subsetFont(source, latinText, { targetFormat: 'woff2' }))
    const face = (src, range) =>
      `@font-face {\n  font-family: "${family}";\n  font-style: ${style};\n  font-weight: ${weight};\n` +
      `  font-display: swap;\n  src: ${src};\n  unicode-range: ${range};\n}\n`
    rules.push(face(`url("../fonts/${folder}/${latin}.woff2") format("woff2")`, LATIN))
    rules.push(face(`url("../fonts/${folder}/${full}.woff2") format("woff2")`, LATIN_EXTENDED))
  }
}
write(
  join(root, 'static', 'css', 'fonts.css'),
  `/* Bootstrap Italia's fonts, served from our static files. Written by \`make assets\`
   (assets/build.mjs): do not edit by hand.

   Bootstrap Italia normally adds its @font-face rules from JavaScript (bootstrap.loadFonts),
   which inserts a <style> element: the Content-Security-Policy (style-src 'self') forbids
   that. A stylesheet does the same job, and collectstatic rewrites these relative URLs to
   the hashed file names. Each face twice: its Latin subset, and Bootstrap Italia's full file
   for Latin Extended letters, downloaded only when a page has one. */

${rules.join('\n')}`,
)
