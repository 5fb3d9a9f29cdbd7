// Views of the acseg explorer: concept map (paper Fig. 4), grid (Fig. 5), retrieval (Fig. 6), missing inputs.
'use strict';
(function () {
  const X = window.acsegExplore;
  const $ = (s) => document.querySelector(s);
  const el = (tag, props, ...kids) => {
    const e = Object.assign(document.createElement(tag), props || {});
    for (const k of kids) e.append(k);
    return e;
  };
  const SVG = 'http://www.w3.org/2000/svg';
  const NOT_COMPUTED = 'concept map not computed';
  const MISSING = [
    [1, 'per-image JSON'],
    [2, 'region map'],
    [4, 'features'],
    [8, 'ground truth'],
    [16, 'thumbnail'],
    [32, 'class map'],
  ];
  const state = { view: 'map', image: 0, focus: undefined, rec: null, sort: 'id', gridPage: 0, order: null, query: null };

  function show(view) {
    state.view = view;
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('on', b.dataset.view === view);
    for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${view}`;
    if (view === 'grid') renderGrid();
    if (view === 'missing') renderMissing();
  }

  // ---- concept map -------------------------------------------------------
  async function openImage(i, focus) {
    const n = X.data.images.length;
    if (!n) return;
    state.image = Math.max(0, Math.min(n - 1, i));
    state.focus = focus;
    const rec = await X.image(state.image);
    if (state.image !== rec.i) return;
    state.rec = rec;
    $('#image-pos').value = String(state.image + 1);
    $('#image-id').textContent = rec.id;
    const img = $('#map-image img');
    img.src = rec.thumb || '';
    img.alt = rec.id;
    img.hidden = !rec.thumb;
    $('#map-image').style.aspectRatio = `${rec.width || 1} / ${rec.height || 1}`;
    drawScatter(rec);
    drawConcepts(rec);
    $('#map-missing').replaceChildren(...rec.missing.map((m) => el('li', { textContent: m })));
    drawHistogram();
    setFocus(focus);
    if (!rec.map && X.data.mapsOnDemand && /^https?:$/.test(location.protocol) && rec.missing.some((m) => m.startsWith(NOT_COMPUTED))) fetchMap(rec);
  }

  // `acseg explore --serve` computes the concept maps that --maps left out, when an image is opened.
  async function fetchMap(rec) {
    $('#scatter-caption').textContent = 'computing the concept map (UMAP, about a second)…';
    let body;
    try {
      const res = await fetch(`api/map?i=${rec.i}`);
      body = await res.json();
    } catch (e) {
      body = { error: `the server did not answer (${e.message}); serve the page with acseg explore --serve` };
    }
    if (body.map) {
      rec.map = body.map;
      rec.missing = rec.missing.filter((m) => !m.startsWith(NOT_COMPUTED));
    } else rec.missing = [...rec.missing.filter((m) => !m.startsWith(NOT_COMPUTED)), `no concept map: ${body.error}`];
    if (state.rec !== rec) return;
    drawScatter(rec);
    $('#map-missing').replaceChildren(...rec.missing.map((m) => el('li', { textContent: m })));
    setFocus(state.focus);
  }

  function drawScatter(rec) {
    const svg = $('#scatter');
    svg.replaceChildren();
    $('#scatter-caption').textContent = rec.map
      ? `${rec.map.x.length} patch features (UMAP, seed ${X.data.seed}), coloured by concept`
      : 'no concept map for this image (see below)';
    if (!rec.map) return;
    const frag = document.createDocumentFragment();
    for (let p = 0; p < rec.map.x.length; p++) {
      const c = document.createElementNS(SVG, 'circle');
      const r = rec.map.r[p];
      c.setAttribute('cx', rec.map.x[p]);
      c.setAttribute('cy', 1 - rec.map.y[p]);
      c.setAttribute('r', 0.012);
      c.setAttribute('fill', r < 0 ? '#999' : X.conceptColor(r));
      c.dataset.r = r;
      frag.appendChild(c);
    }
    svg.appendChild(frag);
  }

  function drawConcepts(rec) {
    const list = rec.regions
      .filter((r) => r.pixels > 0)
      .map((r) => {
        const name = r.className ? ` · ${r.className}` : '';
        const b = el('button', { textContent: `concept ${r.r}${name}`, title: `${r.pixels} pixels` });
        b.dataset.r = r.r;
        b.style.background = X.conceptColor(r.r);
        b.addEventListener('click', () => setFocus(state.focus === r.r ? undefined : r.r));
        return el('li', {}, b);
      });
    $('#concepts').replaceChildren(...list);
  }

  /** Highlights one concept (or none) in the image, the scatter and the legend together. */
  function setFocus(r) {
    state.focus = r;
    const rec = state.rec;
    if (!rec) return;
    X.drawRegions($('#map-image canvas'), rec, r);
    const svg = $('#scatter');
    svg.classList.toggle('focus', r !== undefined);
    for (const c of svg.querySelectorAll('circle')) c.classList.toggle('off', r !== undefined && Number(c.dataset.r) !== r);
    for (const b of document.querySelectorAll('#concepts button')) b.classList.toggle('on', Number(b.dataset.r) === r);
  }

  function drawHistogram() {
    const h = X.data.histogram;
    const svg = $('#histogram');
    const max = Math.max(1, ...h);
    const w = Math.max(1, h.length);
    svg.setAttribute('viewBox', `0 0 ${w * 30} 140`);
    const current = X.data.images[state.image] ? X.data.images[state.image][1] : -1;
    const kids = [];
    h.forEach((count, n) => {
      const bh = (count / max) * 110;
      const rect = document.createElementNS(SVG, 'rect');
      Object.entries({ x: n * 30 + 3, y: 115 - bh, width: 24, height: bh }).forEach(([k, v]) => rect.setAttribute(k, v));
      rect.dataset.concepts = n;
      rect.dataset.count = count;
      if (n === current) rect.classList.add('current');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${count} image(s) with ${n} concept(s)`;
      rect.appendChild(title);
      const label = document.createElementNS(SVG, 'text');
      Object.entries({ x: n * 30 + 15, y: 132, 'text-anchor': 'middle', 'font-size': 11 }).forEach(([k, v]) => label.setAttribute(k, v));
      label.textContent = n;
      kids.push(rect, label);
    });
    svg.replaceChildren(...kids);
  }

  // ---- grid ----------------------------------------------------------------
  function sortedOrder() {
    const imgs = X.data.images;
    const order = imgs.map((_, i) => i);
    const iou = (i) => imgs[i][2];
    const by = {
      id: () => 0,
      'concepts-desc': (a, b) => imgs[b][1] - imgs[a][1],
      'concepts-asc': (a, b) => imgs[a][1] - imgs[b][1],
      // Images without an IoU go last either way.
      'iou-asc': (a, b) => (iou(a) === null) - (iou(b) === null) || iou(a) - iou(b),
      'iou-desc': (a, b) => (iou(a) === null) - (iou(b) === null) || iou(b) - iou(a),
    }[state.sort];
    return order.sort((a, b) => by(a, b) || a - b);
  }

  async function renderGrid() {
    if (!state.order) state.order = sortedOrder();
    const size = X.data.pageSize;
    const pages = Math.max(1, Math.ceil(state.order.length / size));
    state.gridPage = Math.max(0, Math.min(pages - 1, state.gridPage));
    $('#grid-page').textContent = `page ${state.gridPage + 1} of ${pages}`;
    const ids = state.order.slice(state.gridPage * size, (state.gridPage + 1) * size);
    const want = state.gridPage;
    const recs = await Promise.all(ids.map((i) => X.image(i)));
    if (want !== state.gridPage) return;
    $('#grid tbody').replaceChildren(...recs.map(gridRow));
  }

  function gridRow(rec) {
    const tr = el('tr');
    tr.dataset.id = rec.id;
    tr.dataset.i = rec.i;
    const img = rec.thumb
      ? el('img', { src: rec.thumb, alt: rec.id, loading: 'lazy', title: 'open in the concept map' })
      : el('span', { className: 'missing', textContent: 'no thumbnail' });
    img.addEventListener('click', () => {
      show('map');
      openImage(rec.i);
    });
    const entry = X.data.images[rec.i];
    const caption = el('div', {
      className: 'meta',
      textContent: `${rec.id} · ${entry[1]} concepts${rec.iou === null ? '' : ` · IoU ${(rec.iou * 100).toFixed(1)}`}`,
    });
    const cell = (kid) => el('td', { className: 'cell' }, kid);
    let concepts;
    if (rec.regionsRle) {
      concepts = el('canvas', { className: 'concepts', title: 'click a region to retrieve its nearest regions' });
      X.drawRegions(concepts, rec, undefined, 255);
      concepts.addEventListener('click', (ev) => {
        const r = X.regionAt(rec, concepts, ev);
        if (r !== undefined) query(rec.i, r);
      });
    } else concepts = el('span', { className: 'missing', textContent: 'no region map' });
    let classes;
    if (rec.classesRle) {
      classes = el('canvas', { className: 'classes' });
      X.drawClasses(classes, rec, rec.classesRle);
    } else classes = el('span', { className: 'meta', textContent: 'no classes (segment only, or missing)' });
    let gt;
    if (rec.gtRle) {
      gt = el('canvas', { className: 'gt' });
      X.drawClasses(gt, rec, rec.gtRle);
    } else gt = el('span', { className: 'meta', textContent: X.data.groundTruth ? 'ground truth missing' : 'no ground truth given' });
    tr.append(el('td', { className: 'cell' }, img, caption), cell(concepts), cell(classes), cell(gt));
    return tr;
  }

  // ---- retrieval -----------------------------------------------------------
  async function query(i, r) {
    state.query = { i, r };
    show('retrieval');
    const k = Number($('#k').value);
    const status = $('#retrieval-status');
    const rec = await X.image(i);
    $('#query').replaceChildren(el('div', { className: 'meta', textContent: `query: ${rec.id}, concept ${r}` }), X.crop(rec, r, 180));
    status.textContent = 'searching…';
    const found = await X.nearest(i, r, k);
    if (state.query.i !== i || state.query.r !== r) return;
    if (!found) {
      status.textContent = `no embedding for ${rec.id} concept ${r} (features missing for this image?)`;
      $('#neighbours').replaceChildren();
      return;
    }
    const source = X.data.embedding && X.data.embedding.source;
    status.textContent = `${found.length} nearest regions of other images (cosine of region embeddings${source ? `: ${source}` : ''})`;
    const items = await Promise.all(
      found.map(async (f) => {
        const other = await X.image(f.i);
        const li = el(
          'li',
          { className: 'result' },
          X.crop(other, f.r, 140),
          el('div', { textContent: `${other.id} · concept ${f.r} · cos ${f.cos.toFixed(3)}` }),
        );
        li.dataset.id = other.id;
        li.dataset.region = f.r;
        li.dataset.cos = f.cos.toFixed(4);
        li.addEventListener('click', () => {
          show('map');
          openImage(f.i, f.r);
        });
        return li;
      }),
    );
    $('#neighbours').replaceChildren(...items);
  }

  // ---- missing -----------------------------------------------------------
  function renderMissing() {
    const imgs = X.data.images;
    $('#missing-summary').replaceChildren(
      ...MISSING.map(([bit, name]) => {
        const n = imgs.filter((e) => e[3] & bit).length;
        return el('li', { textContent: `${name}: missing for ${n} of ${imgs.length} images` });
      }),
      ...X.data.skipped.map((s) => el('li', { className: 'missing', textContent: `skipped by the run: ${s.source}: ${s.reason}` })),
    );
    const lacking = imgs.map((e, i) => [e, i]).filter(([e]) => e[3]);
    const shown = lacking.slice(0, 500).map(([e, i]) => {
      const li = el('li', {
        textContent: `${e[0]}: ${MISSING.filter(([bit]) => e[3] & bit)
          .map(([, n]) => n)
          .join(', ')}`,
      });
      li.addEventListener('click', () => {
        show('map');
        openImage(i);
      });
      return li;
    });
    if (lacking.length > 500) shown.push(el('li', { textContent: `… and ${lacking.length - 500} more` }));
    $('#missing-list').replaceChildren(...shown);
  }

  // ---- wiring ----------------------------------------------------------------
  X.onIndex = (data) => {
    document.title = data.title;
    $('#title').textContent = data.title;
    $('#notes').replaceChildren(...data.notes.map((n) => el('div', { textContent: n })));
    $('#image-count').textContent = `of ${data.images.length}`;
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.view));
    $('#prev').addEventListener('click', () => openImage(state.image - 1));
    $('#next').addEventListener('click', () => openImage(state.image + 1));
    $('#image-pos').addEventListener('change', (e) => openImage(Number(e.target.value) - 1));
    // Go to an image by id: the id itself, else the first id that starts with what was typed.
    $('#image-find').addEventListener('change', (e) => {
      const want = e.target.value.trim();
      if (!want) return;
      let at = data.images.findIndex((x) => x[0] === want);
      if (at < 0) at = data.images.findIndex((x) => x[0].startsWith(want));
      $('#find-status').textContent = at < 0 ? `no image ${want}` : '';
      if (at >= 0) openImage(at);
    });
    // Suggestions while typing, a few at a time (a list of 10 000 ids would be slow to build and to show).
    $('#image-find').addEventListener('input', (e) => {
      const want = e.target.value.trim();
      const hits = want ? data.images.filter((x) => x[0].startsWith(want)).slice(0, 20) : [];
      $('#image-ids').replaceChildren(...hits.map((x) => el('option', { value: x[0] })));
    });
    const canvas = $('#map-image canvas');
    canvas.addEventListener('click', (ev) => {
      const r = state.rec && X.regionAt(state.rec, canvas, ev);
      if (r !== undefined) {
        setFocus(r);
        query(state.image, r);
      }
    });
    canvas.addEventListener('mousemove', (ev) => {
      const r = state.rec && X.regionAt(state.rec, canvas, ev);
      $('#scatter').classList.toggle('focus', r !== undefined);
      for (const c of document.querySelectorAll('#scatter circle')) c.classList.toggle('off', r !== undefined && Number(c.dataset.r) !== r);
    });
    canvas.addEventListener('mouseleave', () => setFocus(state.focus));
    $('#scatter').addEventListener('mouseover', (ev) => {
      const r = ev.target.dataset && ev.target.dataset.r;
      if (r !== undefined && state.rec) X.drawRegions(canvas, state.rec, Number(r));
    });
    $('#scatter').addEventListener('mouseout', () => state.rec && X.drawRegions(canvas, state.rec, state.focus));
    $('#scatter').addEventListener('click', (ev) => {
      const r = ev.target.dataset && ev.target.dataset.r;
      if (r !== undefined && Number(r) >= 0) setFocus(Number(r));
    });
    $('#sort').addEventListener('change', (e) => {
      state.sort = e.target.value;
      state.order = null;
      state.gridPage = 0;
      renderGrid();
    });
    $('#grid-prev').addEventListener('click', () => {
      state.gridPage--;
      renderGrid();
    });
    $('#grid-next').addEventListener('click', () => {
      state.gridPage++;
      renderGrid();
    });
    $('#k').addEventListener('change', () => state.query && query(state.query.i, state.query.r));
    if (!data.groundTruth) for (const o of document.querySelectorAll('#sort option[value^="iou"]')) o.disabled = true;
    if (data.images.length) openImage(0);
    else $('#view-map').prepend(el('p', { className: 'missing', textContent: 'the run holds no segmented images' }));
    document.body.dataset.ready = '1';
  };
})();
