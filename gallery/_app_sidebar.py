"""The gallery's sidebar: examples grouped by category, each with its thumbnail, and a filter box.

A small ``JSComponent`` (plain JavaScript, no imports, so nothing is fetched): ``items`` comes from
Python (names, titles, categories, thumbnails as ``data:`` URIs), ``selected`` goes both ways. Every
text is set with ``textContent``: titles are shown, never parsed as markup.
"""

from __future__ import annotations

import param
from panel.custom import JSComponent


class ExampleList(JSComponent):
    """Clickable example cards grouped under their category headings."""

    items = param.List(default=[], doc="[{name, title, category, thumb, state}] in display order")
    selected = param.String(default="", doc="the name of the example shown")

    _esm = """
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
"""

    _stylesheets = ["""
:host { display: block; width: 100%; }
.vk-nav { display: flex; flex-direction: column; gap: 10px; font-family: inherit; }
.vk-search { width: 100%; box-sizing: border-box; padding: 7px 10px; border: 1px solid #d0d5dd;
  border-radius: 8px; font: inherit; font-size: 13px; background: #fff; }
.vk-search:focus { outline: 2px solid #c7d2fe; border-color: #6366f1; }
.vk-group { margin: 0 0 6px; }
.vk-cat { margin: 10px 2px 6px; font-size: 11px; font-weight: 600; letter-spacing: .06em;
  text-transform: uppercase; color: #667085; }
.vk-items { display: flex; flex-direction: column; gap: 4px; }
.vk-item { display: flex; align-items: center; gap: 10px; width: 100%; padding: 6px; border: 1px solid transparent;
  border-radius: 8px; background: transparent; text-align: left; cursor: pointer; font: inherit; color: #1d2939; }
.vk-item:hover { background: #f2f4f7; }
.vk-item:focus-visible { outline: 2px solid #6366f1; }
.vk-item.vk-selected { background: #eef2ff; border-color: #c7d2fe; }
.vk-thumb { flex: none; width: 104px; height: 66px; border-radius: 5px; overflow: hidden; background: #f2f4f7;
  border: 1px solid #eaecf0; display: flex; align-items: center; justify-content: center;
  font-size: 10px; color: #98a2b3; }
.vk-thumb img { width: 100%; height: 100%; object-fit: cover; object-position: center top; background: #fff; }
.vk-thumb.vk-pending { background: linear-gradient(90deg, #f2f4f7 25%, #e4e7ec 50%, #f2f4f7 75%);
  background-size: 200% 100%; animation: vk-shimmer 1.4s infinite linear; }
@keyframes vk-shimmer { from { background-position: 200% 0; } to { background-position: -200% 0; } }
.vk-title { font-size: 13px; line-height: 1.3; font-weight: 500; }
.vk-selected .vk-title { color: #3730a3; }
.vk-empty { color: #667085; font-size: 13px; }
"""]
