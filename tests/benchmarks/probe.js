// The benchmark's "was it drawn" detector, injected before any page script (Playwright add_init_script).
//
// A heatmap is drawn when a raster surface shows it: a <canvas> (bokeh, HoloViews, CircuitsVis; shadow
// roots included) or an SVG/HTML <image>/<img> with a data: URL (plotly's heatmap layer). A surface counts
// as a drawn heatmap when it is displayed at >= MIN_SIDE CSS px on both sides, is not a strip (a colour
// bar), and at least MIN_CHROMATIC of its pixels are coloured: alpha > 16 and max-min channel >= 6 (axes,
// text, blank canvases and white backgrounds are grey or transparent, so they never count).
// window.__vkbench.poll(expected) resolves with performance.now() (ms since navigation start) at the end of the
// first poll that finds at least `expected` surfaces drawn as heatmaps. window.__vkbench.start(expected), run by the
// harness right after this script (before any page script), polls from the document's start: it dates the first
// paint (`t`) and the moment the plotting library's own plot is drawn (`tLibrary`: surfaces inside a
// [data-vizkit-prepaint] element, the pictures a vizkit page paints before its library is evaluated, do not count).
// A picture (<img>, SVG <image>) is dated by the browser's own record of when it was painted (Element Timing:
// every one gets an `elementtiming` attribute as it enters the document), so a main thread busy evaluating a
// library after the paint cannot make it look later, nor an early poll earlier; a <canvas> has no such record and
// is dated by the poll that first sees it drawn. The colour check is the poll's, as before.
(() => {
  const MIN_SIDE = 24, MIN_CHROMATIC = 0.01, SCRATCH = 256;
  const scratch = document.createElement("canvas");
  const imageCache = new Map();  // href -> Promise<fraction>
  const paintedAt = new WeakMap();  // picture element -> its renderTime (ms since navigation start)

  const tag = (el) => { if (!el.hasAttribute("elementtiming")) el.setAttribute("elementtiming", "vkbench"); };
  new MutationObserver((changes) => {
    for (const c of changes) {
      for (const n of c.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches("img, image")) tag(n);
        n.querySelectorAll("img, image").forEach(tag);
      }
      if (c.type === "attributes" && c.target.matches("img, image")) paintedAt.delete(c.target);  // a new picture
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["src", "href", "xlink:href"] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.element) paintedAt.set(e.element, e.renderTime || e.loadTime);
    }).observe({ type: "element", buffered: true });
  } catch (e) { /* no Element Timing: every surface is dated by the poll */ }

  function allRoots(root, out) {
    out.push(root);
    const walker = (root.ownerDocument || root).createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) if (n.shadowRoot) allRoots(n.shadowRoot, out);
    return out;
  }

  function surfaces() {
    const found = [];
    for (const root of allRoots(document, [])) {
      for (const el of root.querySelectorAll("canvas, image, img")) {
        const r = el.getBoundingClientRect();
        if (r.width < MIN_SIDE || r.height < MIN_SIDE) continue;
        if (r.width > 4 * r.height || r.height > 4 * r.width) continue;  // colour bars, sliders
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0) continue;
        const pre = !!el.closest("[data-vizkit-prepaint]");
        if (el.tagName.toLowerCase() === "canvas") found.push({ el, canvas: el, pre });
        else if (el.tagName.toLowerCase() === "img") {  // the page's own element, loaded: drawn as it is
          if (el.complete && el.naturalWidth > 0) found.push({ el, canvas: el, pre, w: el.naturalWidth, h: el.naturalHeight });
        } else {
          const href = el.getAttribute("href") || el.getAttribute("xlink:href") || el.getAttribute("src") || "";
          if (href.startsWith("data:image")) found.push({ el, href, pre });
        }
      }
    }
    return found;
  }

  function chromaticFraction(source, w, h) {
    if (!w || !h) return 0;
    const s = Math.min(1, SCRATCH / Math.max(w, h));
    scratch.width = Math.max(1, Math.round(w * s));
    scratch.height = Math.max(1, Math.round(h * s));
    const ctx = scratch.getContext("2d", { willReadFrequently: true });
    ctx.clearRect(0, 0, scratch.width, scratch.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    try { ctx.drawImage(source, 0, 0, scratch.width, scratch.height); } catch (e) { return 0; }
    const px = ctx.getImageData(0, 0, scratch.width, scratch.height).data;
    let coloured = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] <= 16) continue;
      const hi = Math.max(px[i], px[i + 1], px[i + 2]), lo = Math.min(px[i], px[i + 1], px[i + 2]);
      if (hi - lo >= 6) coloured++;
    }
    return coloured / (px.length / 4);
  }

  function imageFraction(href) {
    if (!imageCache.has(href)) {
      imageCache.set(href, new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve(chromaticFraction(img, img.naturalWidth, img.naturalHeight));
        img.onerror = () => resolve(0);
        img.src = href;
      }));
    }
    return imageCache.get(href);
  }

  async function measure() {
    const found = surfaces();
    const fractions = await Promise.all(found.map((s) => (s.canvas
      ? chromaticFraction(s.canvas, s.w || s.canvas.width, s.h || s.canvas.height) : imageFraction(s.href))));
    const now = performance.now();
    const drawn = found.filter((s, i) => fractions[i] >= MIN_CHROMATIC);
    const library = drawn.filter((s) => !s.pre).length;
    // when each drawn surface was painted: the browser's record for a picture, else now
    const times = drawn.map((s) => Math.min(now, paintedAt.get(s.el) ?? now));
    const libraryTimes = drawn.map((s, i) => (s.pre ? null : times[i])).filter((t) => t !== null);
    const fingerprint = drawn.map((s) => (s.canvas ? "c" : s.href.length + ":" + s.href.slice(-64))).join("|")
      + "#" + fractions.map((f) => f.toFixed(4)).join(",");
    return { surfaces: found.length, drawn: drawn.length, library, fractions, fingerprint, times, libraryTimes };
  }

  function poll(expected, { interval = 50, isDone = (m) => m.drawn >= expected } = {}) {
    return new Promise((resolve) => {
      const tick = async () => {
        const m = await measure();
        // the time is read once the drawn state is confirmed: image decoding is awaited inside measure(),
        // and a state reached during that wait must not be dated before it
        if (isDone(m)) resolve({ t: performance.now(), ...m });
        else setTimeout(tick, interval);
      };
      tick();
    });
  }

  // From the document's start: the first paint (every expected heatmap on screen) and the library's own draw.
  // the moment `n` surfaces were on screen: the n-th earliest of their paint times
  const nth = (times, n) => times.slice().sort((a, b) => a - b)[n - 1];

  function start(expected) {
    const w = window.__vkbench;
    let first = null;
    const tick = async () => {
      const m = await measure();
      if (first === null && m.drawn >= expected) first = nth(m.times, expected);
      if (m.library >= expected) {
        const lib = nth(m.libraryTimes, expected);
        w._r = { t: Math.min(first, lib), tLibrary: lib, drawn: m.drawn, surfaces: m.surfaces };
      } else setTimeout(tick, 50);
    };
    tick();
  }

  // A slider step as a user makes it, through the library's own slider: plotly's slider step command, or the
  // value of BokehJS's Slider model (vizkit bokeh/HoloViews frame switch, Panel's embedded HoloMap slider).
  function stepSlider(kind) {
    if (kind === "plotly-heads") {  // vizkit's heads view: the next head, as the right arrow key selects it
      const gd = document.querySelector(".js-plotly-plot");
      gd.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
      return true;
    }
    if (kind === "bokeh-heads") {  // the same in bokeh (HoloViews pages draw it in bokeh): the view listens on the document
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
      return true;
    }
    if (kind === "plotly") {
      const gd = document.querySelector(".js-plotly-plot");
      const step = gd._fullLayout.sliders[0]._input.steps[1];
      window.Plotly[step.method](gd, ...step.args);  // what a click on the step does (Plots.executeAPICommand)
      return true;
    }
    if (kind === "bokeh") {
      for (const doc of window.Bokeh.documents) {
        for (const model of doc._all_models.values()) {
          const type = model.type || model.constructor.__name__ || model.constructor.name;
          if (/Slider$/.test(type) && "value" in model) {
            const next = Array.isArray(model.options) ? model.options[1] : Number(model.start) + Number(model.step || 1);
            model.value = next;
            return true;
          }
        }
      }
    }
    return false;
  }

  // The bokeh heads view answers keys once a thumbnail was tapped (its first tap inflates every head): tap the
  // selected head's thumbnail (a BokehJS Tap event on the mosaic, as a click makes one), then wait for it to be redrawn.
  async function bokehHeadsReady(timeoutMs) {
    const doc = window.Bokeh && Bokeh.documents[0];
    const mosaic = doc && doc.get_model_by_name("vizkit-heads-mosaic"), holder = doc && doc.get_model_by_name("vizkit-heads-data");
    if (!mosaic || !holder) return false;
    const D = JSON.parse(holder.data.text[0] || document.getElementById(holder.data.element[0]).textContent);
    const [l, h] = D.selected, { Tap } = Bokeh.require("core/bokeh_events");
    mosaic.trigger_event(new Tap(0, 0, h * D.col_stride + D.thumb_cols / 2, l * D.row_stride + D.thumb_rows / 2,
                                 { shift: false, ctrl: false, alt: false }));
    const t0 = performance.now();
    while (performance.now() - t0 < timeoutMs) {
      const st = window.__vizkitHeads && Object.values(window.__vizkitHeads)[0];
      if (st && st.codes && document.body.dataset.vizkitSelected) {
        for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => setTimeout(r, 200));  // the tapped head redrawn before the step's "before"
        return true;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  async function ready(kind, timeoutMs) {  // the heads view answers keys once its data is inflated
    if (kind === "bokeh-heads") return bokehHeadsReady(timeoutMs);
    if (kind === "plotly") {  // plotly's page adds the animation frames after the first draw: a step needs them
      const t0 = performance.now();
      while (performance.now() - t0 < timeoutMs) {
        const gd = document.querySelector(".js-plotly-plot"), td = gd && gd._transitionData;
        if (td && td._frames && td._frames.length > 1) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    }
    if (kind !== "plotly-heads") return true;
    const t0 = performance.now();
    while (performance.now() - t0 < timeoutMs) {
      const gd = document.querySelector(".js-plotly-plot");
      if (gd && gd.dataset.vizkitReady === "1") return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  async function sliderLatency(kind, expected, timeoutMs) {
    if (!(await ready(kind, timeoutMs))) return { error: "the view never became ready for a step" };
    const before = await measure();
    const t0 = performance.now();
    if (!stepSlider(kind)) return { error: "no slider found" };
    const done = await Promise.race([
      poll(expected, { interval: 10, isDone: (m) => m.drawn >= expected && m.fingerprint !== before.fingerprint }),
      new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs)),
    ]);
    return done ? { ms: done.t - t0 } : { error: `no new frame drawn within ${timeoutMs} ms` };
  }

  window.__vkbench = { surfaces, measure, poll, start, sliderLatency };
})();
