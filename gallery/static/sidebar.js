// The example list: cards grouped by category, a filter box. Text is set with textContent: never parsed as markup.
export function render({ model }) {
  const root = document.createElement('nav');
  root.className = 'vk-nav';
  root.setAttribute('aria-label', 'Examples');
  const search = document.createElement('input');
  search.type = 'search';
  search.placeholder = 'Filter examples…';
  search.className = 'vk-search';
  search.setAttribute('aria-label', 'Filter examples');
  const body = document.createElement('div');
  body.className = 'vk-groups';
  root.append(search, body);

  function card(it) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'vk-item' + (it.name === model.selected ? ' vk-selected' : '');
    b.dataset.example = it.name;
    b.title = it.title;
    if (it.name === model.selected) b.setAttribute('aria-current', 'page');
    const thumb = document.createElement('span');
    thumb.className = 'vk-thumb vk-' + (it.state || 'pending');
    if (it.thumb) {
      const img = document.createElement('img');
      img.src = it.thumb;
      img.alt = '';
      thumb.append(img);
    } else {
      thumb.textContent = it.state === 'failed' ? 'no preview' : '';
    }
    const title = document.createElement('span');
    title.className = 'vk-title';
    title.textContent = it.title;
    b.append(thumb, title);
    b.addEventListener('click', () => { model.selected = it.name; });
    return b;
  }

  function draw() {
    const q = search.value.trim().toLowerCase();
    body.replaceChildren();
    let current = null, list = null, shown = 0;
    for (const it of model.items) {
      if (q && !(it.title + ' ' + it.category + ' ' + it.name).toLowerCase().includes(q)) continue;
      if (it.category !== current) {
        current = it.category;
        const group = document.createElement('section');
        group.className = 'vk-group';
        const h = document.createElement('h3');
        h.className = 'vk-cat';
        h.textContent = current;
        list = document.createElement('div');
        list.className = 'vk-items';
        group.append(h, list);
        body.append(group);
      }
      list.append(card(it));
      shown += 1;
    }
    if (!shown) {
      const empty = document.createElement('p');
      empty.className = 'vk-empty';
      empty.textContent = model.items.length ? 'No example matches.' : 'No examples found.';
      body.append(empty);
    }
  }
  function reveal() {  // keep the selected card in view (a link to ?example=... may point far down)
    const el = body.querySelector('.vk-selected');
    if (el) el.scrollIntoView({ block: 'nearest' });
  }
  search.addEventListener('input', draw);
  model.on('items', draw);
  model.on('selected', () => { draw(); reveal(); });
  draw();
  requestAnimationFrame(reveal);
  return root;
}
