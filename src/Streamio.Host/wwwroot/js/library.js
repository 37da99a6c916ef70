// The library: newest first, a page at a time, badges kept live over SignalR while videos encode.
import { imageSource, listVideos } from './api.js';
import { formatDuration, h, statusBadge } from './dom.js';
import { watch } from './live.js';

/** Cards per page: 12, or ?pageSize=1..100 in the page URL. */
const PAGE_SIZE = Math.min(100, Math.max(1, Number(new URLSearchParams(location.search).get('pageSize')) || 12));

function card(video) {
  const thumbnail = video.thumbnailUrl
    ? h('img', { alt: '', loading: 'lazy', width: '320', height: '180' })
    : h('div', { class: 'thumb-placeholder', 'aria-hidden': 'true' }, video.status === 'failed' ? '!' : '…');
  if (video.thumbnailUrl) imageSource(video.thumbnailUrl).then((source) => { thumbnail.src = source; }, () => {});
  return h('li', { class: 'card', 'data-video-id': video.id },
    h('a', { href: `#/videos/${video.id}`, class: 'card-link' },
      h('div', { class: 'thumb' }, thumbnail, h('span', { class: 'duration' }, formatDuration(video.durationSeconds ?? NaN))),
      h('span', { class: 'card-title' }, video.title || video.id),
      statusBadge(video)));
}

/** Renders the library into a section; returns [section, dispose]. */
export function libraryPanel() {
  const grid = h('ul', { class: 'grid', id: 'library-grid', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', id: 'library-more', class: 'secondary', hidden: true }, 'Load more');
  const message = h('p', { class: 'muted', id: 'library-message' }, 'Loading…');
  const stops = [];
  let cursor = null;

  function show(video) {
    const existing = grid.querySelector(`[data-video-id="${CSS.escape(video.id)}"]`);
    if (existing) existing.replaceWith(card(video));
    else grid.append(card(video));
  }

  async function loadPage() {
    more.disabled = true;
    try {
      const page = await listVideos(PAGE_SIZE, cursor);
      page.items.forEach(show);
      cursor = page.nextCursor;
      more.hidden = !cursor;
      message.textContent = grid.children.length ? '' : 'No videos yet: upload one above.';
      for (const video of page.items.filter((item) => item.status !== 'ready' && item.status !== 'failed')) {
        watch(video.id, show, () => grid.querySelector(`[data-video-id="${CSS.escape(video.id)}"]`)?.remove())
          .then((stop) => stops.push(stop))
          .catch(() => {});
      }
    } catch (error) {
      message.textContent = `Could not load the library: ${error.message}`;
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener('click', loadPage);
  loadPage();
  const section = h('section', { class: 'panel', 'aria-labelledby': 'library-heading' },
    h('h2', { id: 'library-heading' }, 'Library'), message, grid, more);
  return [section, () => stops.forEach((stop) => stop())];
}
