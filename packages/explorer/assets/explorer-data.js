// Data loading and drawing helpers of the acseg explorer. Data files are scripts (acsegExplore.page(n, {...})), so
// the page works from disk, where browsers refuse fetch() of file: URLs.
'use strict';
(function () {
  const FORMAT = 1;
  const KEEP_PAGES = 40; // pages held in memory; older ones are dropped and reloaded when needed
  const waiting = new Map(); // file -> { resolve, reject, promise }
  const pages = new Map(); // page -> data
  const embeddings = new Map();
  const pad = (p) => String(p + 1).padStart(4, '0');

  function loadScript(file, store, key) {
    if (store.has(key)) return Promise.resolve(store.get(key));
    if (waiting.has(file)) return waiting.get(file).promise;
    let resolve, reject;
    const promise = new Promise((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    waiting.set(file, { resolve, reject, promise });
    const s = document.createElement('script');
    s.src = file;
    s.onerror = () => {
      waiting.delete(file);
      s.remove();
      reject(new Error(`${file} did not load`));
    };
    s.onload = () => s.remove();
    document.head.appendChild(s);
    return promise;
  }

  function arrived(file, store, key, value) {
    store.set(key, value);
    if (store === pages && pages.size > KEEP_PAGES) pages.delete(pages.keys().next().value);
    const w = waiting.get(file);
    if (w) {
      waiting.delete(file);
      w.resolve(value);
    }
  }

  const api = {
    data: null,
    onIndex: null,
    index(value) {
      if (value.format !== FORMAT) {
        document.body.insertAdjacentHTML('afterbegin', `<p class="missing">data format ${value.format}, this page reads ${FORMAT}: rerun acseg explore</p>`);
        return;
      }
      api.data = value;
      if (api.onIndex) api.onIndex(value);
    },
    page(p, value) {
      arrived(`data/page-${pad(p)}.js`, pages, p, value);
    },
    emb(p, value) {
      arrived(`data/emb-${pad(p)}.js`, embeddings, p, value);
    },
    loadPage(p) {
      return loadScript(`data/page-${pad(p)}.js`, pages, p);
    },
    loadEmbeddings(p) {
      return loadScript(`data/emb-${pad(p)}.js`, embeddings, p);
    },
    /** The page record of image i (its position in the index). */
    async image(i) {
      const size = api.data.pageSize;
      const page = await api.loadPage(Math.floor(i / size));
      return page[i % size];
    },
  };

  api.decodeRle = function (rle, n) {
    const out = new Uint8Array(n);
    let o = 0;
    for (let k = 0; k < rle.length; k += 2) {
      out.fill(rle[k], o, o + rle[k + 1]);
      o += rle[k + 1];
    }
    return out;
  };

  // Concept colours: distinct hues (Kelly's colours), by region index.
  const CONCEPT = [
    '#e6194b',
    '#3cb44b',
    '#4363d8',
    '#f58231',
    '#911eb4',
    '#46f0f0',
    '#f032e6',
    '#bcf60c',
    '#fabebe',
    '#008080',
    '#e6beff',
    '#9a6324',
    '#fffac8',
    '#800000',
    '#aaffc3',
    '#808000',
    '#ffd8b1',
    '#000075',
    '#808080',
    '#ffe119',
  ];
  api.conceptColor = (r) => CONCEPT[r % CONCEPT.length];
  api.rgb = (hex) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
  // VOC's palette: the bits of the class id spread over the channels' high bits.
  api.vocColor = function (c) {
    if (c === 255) return [224, 224, 192];
    let r = 0,
      g = 0,
      b = 0;
    for (let i = 0, id = c; i < 8; i++, id >>= 3) {
      r |= ((id >> 0) & 1) << (7 - i);
      g |= ((id >> 1) & 1) << (7 - i);
      b |= ((id >> 2) & 1) << (7 - i);
    }
    return [r, g, b];
  };

  /**
   * Draws a map into a canvas at the map's size. focus: undefined colours every region (alpha `all`, default 110,
   * see-through over the image); a region index colours that region (alpha 170) and darkens the rest (black, alpha
   * 140). Pixels of 255 stay clear.
   */
  // Colour tables (RGBA per index), built once: a grid page paints millions of pixels.
  const CONCEPT_RGB = new Uint8Array(256 * 3);
  const VOC_RGBA = new Uint8Array(256 * 4);
  for (let v = 0; v < 256; v++) {
    CONCEPT_RGB.set(api.rgb(api.conceptColor(v)), v * 3);
    VOC_RGBA.set([...api.vocColor(v), 255], v * 4);
  }

  /** Fills a canvas (at the map's size) from run lengths, a run at a time. */
  function paint(canvas, rec, rle, fill) {
    canvas.width = rec.mw;
    canvas.height = rec.mh;
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(rec.mw, rec.mh);
    const px = new Uint32Array(img.data.buffer);
    const rgba = new Uint8Array(4);
    const word = new Uint32Array(rgba.buffer);
    let o = 0;
    for (let k = 0; k < rle.length; k += 2) {
      fill(rle[k], rgba);
      px.fill(word[0], o, o + rle[k + 1]);
      o += rle[k + 1];
    }
    ctx.putImageData(img, 0, 0);
  }

  api.drawRegions = function (canvas, rec, focus, all) {
    paint(canvas, rec, rec.regionsRle || [], (v, rgba) => {
      if (v === 255) rgba.fill(0);
      else if (focus === undefined || focus === v) {
        rgba.set(CONCEPT_RGB.subarray(v * 3, v * 3 + 3));
        rgba[3] = focus === undefined ? all || 110 : 170;
      } else rgba.set([0, 0, 0, 140]);
    });
  };

  /** A class or ground-truth map in VOC colours, opaque. */
  api.drawClasses = function (canvas, rec, rle) {
    paint(canvas, rec, rle, (v, rgba) => rgba.set(VOC_RGBA.subarray(v * 4, v * 4 + 4)));
  };

  /** Region under a mouse event on an element showing the map; undefined outside any region. */
  api.regionAt = function (rec, el, ev) {
    if (!rec.regionsRle) return undefined;
    const box = el.getBoundingClientRect();
    const x = Math.min(rec.mw - 1, Math.floor(((ev.clientX - box.left) / box.width) * rec.mw));
    const y = Math.min(rec.mh - 1, Math.floor(((ev.clientY - box.top) / box.height) * rec.mh));
    if (x < 0 || y < 0) return undefined;
    const v = api.decodeRle(rec.regionsRle, rec.mw * rec.mh)[y * rec.mw + x];
    return v === 255 ? undefined : v;
  };

  /** A square crop around one region's box: the thumbnail, the region highlighted, the rest darkened. */
  api.crop = function (rec, region, size) {
    const box = document.createElement('div');
    box.className = 'crop';
    box.style.width = box.style.height = `${size}px`;
    const reg = rec.regions.find((x) => x.r === region);
    const [x0, y0, x1, y1] = reg ? reg.bbox : [0, 0, rec.width, rec.height];
    const s = Math.min(size / Math.max(1, x1 - x0), size / Math.max(1, y1 - y0));
    const inner = document.createElement('div');
    inner.className = 'inner';
    Object.assign(inner.style, {
      width: `${rec.width * s}px`,
      height: `${rec.height * s}px`,
      left: `${(size - (x1 - x0) * s) / 2 - x0 * s}px`,
      top: `${(size - (y1 - y0) * s) / 2 - y0 * s}px`,
    });
    if (rec.thumb) {
      const img = document.createElement('img');
      img.src = rec.thumb;
      img.alt = rec.id;
      img.loading = 'lazy';
      inner.appendChild(img);
    }
    const canvas = document.createElement('canvas');
    api.drawRegions(canvas, rec, region);
    inner.appendChild(canvas);
    box.appendChild(inner);
    return box;
  };

  /** All region embeddings as one table (loaded once, on the first query). */
  let table = null;
  api.embeddingTable = async function () {
    if (table) return table;
    const info = api.data.embedding;
    if (!info) return null;
    const parts = await Promise.all(info.pages.map((p) => api.loadEmbeddings(p)));
    const rows = parts.reduce((a, e) => a + e.refs.length, 0);
    const q = new Int8Array(rows * info.dim);
    const refs = [];
    let o = 0;
    for (const e of parts) {
      const bin = atob(e.q);
      for (let k = 0; k < bin.length; k++) q[o + k] = (bin.charCodeAt(k) << 24) >> 24;
      o += bin.length;
      for (const r of e.refs) refs.push(r);
    }
    const norms = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < info.dim; j++) s += q[i * info.dim + j] ** 2;
      norms[i] = Math.sqrt(s) || 1;
    }
    table = { dim: info.dim, q, refs, norms };
    return table;
  };

  /** The k regions of other images with the highest cosine to region (i, r), best first. */
  api.nearest = async function (i, r, k) {
    const t = await api.embeddingTable();
    if (!t) return null;
    const at = t.refs.findIndex((x) => x[0] === i && x[1] === r);
    if (at < 0) return null;
    const d = t.dim;
    const best = [];
    for (let row = 0; row < t.refs.length; row++) {
      if (t.refs[row][0] === i) continue;
      let s = 0;
      for (let j = 0; j < d; j++) s += t.q[at * d + j] * t.q[row * d + j];
      const cos = s / (t.norms[at] * t.norms[row]);
      if (best.length < k || cos > best[best.length - 1].cos) {
        best.push({ i: t.refs[row][0], r: t.refs[row][1], cos });
        best.sort((a, b) => b.cos - a.cos);
        if (best.length > k) best.pop();
      }
    }
    return best;
  };

  window.acsegExplore = api;
})();
