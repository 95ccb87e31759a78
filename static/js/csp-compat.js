/*
 * Loaded before bootstrap-italia.bundle.min.js. The bundle contains video.js, which on load
 * inserts a <style> element with default player sizes unless told not to; our
 * Content-Security-Policy (style-src 'self') blocks such elements and logs a violation on
 * every page. We show no videos, so the dynamic style is simply switched off.
 */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
