/*
 * Bootstrap Italia, only the behaviour the portal uses (`make assets` bundles this file with
 * esbuild into static/bootstrap-italia/js/bootstrap-italia.min.js, from Bootstrap Italia's own
 * sources in node_modules/bootstrap-italia/src/js). Each plugin wires itself to the document
 * when imported (data-bs-toggle="..."), as in the full bundle:
 *
 * - Collapse: the catalogue's filters on phones (data-bs-toggle="collapse");
 * - Dropdown: the language menu in the header (data-bs-toggle="dropdown");
 * - NavBarCollapsible: the main menu on phones (data-bs-toggle="navbarcollapsible");
 * - Input: form labels that move above a field once it is focused or filled;
 * - init: focus rings for keyboard users only (TrackFocus).
 *
 * Left out: everything else of the full bundle (video player, carousel, masonry, form
 * validation, autocompletes, cookie bar, ...), which no template uses, and loadFonts, whose
 * <style> element our Content-Security-Policy forbids (static/css/fonts.css does its job).
 * `window.bootstrap` keeps the plugins, as the full bundle did, for code that needs them.
 */
import Collapse from 'bootstrap-italia/src/js/plugins/collapse'
import Dropdown from 'bootstrap-italia/src/js/plugins/dropdown'
import NavBarCollapsible from 'bootstrap-italia/src/js/plugins/navbar-collapsible'
import Input from 'bootstrap-italia/src/js/plugins/input'
import init from 'bootstrap-italia/src/js/plugins/init'

init()
window.bootstrap = { Collapse, Dropdown, NavBarCollapsible, Input }
