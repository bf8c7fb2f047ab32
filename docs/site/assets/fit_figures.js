// Size each embedded vizkit figure's iframe to its content once it has drawn (same origin only:
// from file:// Chromium treats each file as its own origin, and the CSS height stays).
(function () {
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (!doc || !doc.documentElement) return;
      var height = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
      if (height > 50) frame.style.height = (height + 4) + "px";
    } catch (e) { /* cross-origin (file://): keep the CSS height */ }
  }
  function watch(frame) {
    frame.addEventListener("load", function () {
      fit(frame);
      setTimeout(function () { fit(frame); }, 500);   // plotly and bokeh lay out after load
    });
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
  }
  document.querySelectorAll("iframe.vizkit-figure").forEach(watch);
})();
