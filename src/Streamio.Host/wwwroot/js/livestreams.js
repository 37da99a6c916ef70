// Live streams: the list with a form to create one, and a stream's page (LIVE badge, status and latency kept current
// over SignalR, the player with its DVR window, and how to go live from OBS or any RTMP/SRT encoder).
import { createLivePlayback, createLiveStream, deleteLiveStream, getLiveStream, listLiveStreams, resetLiveKey } from './api.js';
import { formatDuration, h } from './dom.js';
import { watchLive } from './live.js';

const DVR_CHOICES = [[300, '5 minutes'], [1800, '30 minutes'], [3600, '1 hour'], [7200, '2 hours'], [21600, '6 hours']];

export function liveBadge(stream) {
  return h('span', { class: `badge badge-live-${stream.status}`, 'data-live-status': stream.status }, stream.status === 'live' ? 'LIVE' : stream.status);
}

const latencyText = (stream) => (stream.session?.latencySeconds != null ? `${stream.session.latencySeconds.toFixed(1)} s` : '–');

function row(stream) {
  return h('li', { class: 'live-row', 'data-live-id': stream.id },
    h('a', { href: `#/live/${stream.id}` }, stream.title || stream.id), liveBadge(stream),
    h('span', { class: 'muted small' }, `DVR ${formatDuration(stream.dvrWindowSeconds)}${stream.record ? ' · recorded' : ''}`));
}

/** The project's live streams and the create form; returns [section, dispose]. */
export function liveListView() {
  const list = h('ul', { class: 'live-list', id: 'live-list', 'aria-live': 'polite' });
  const message = h('p', { class: 'muted', id: 'live-message' }, 'Loading…');
  const problem = h('p', { class: 'error', id: 'live-create-problem', role: 'alert' });
  const title = h('input', { id: 'live-title', name: 'title', maxlength: '200', placeholder: 'Friday stream' });
  const dvr = h('select', { id: 'live-dvr', name: 'dvrWindowSeconds' },
    DVR_CHOICES.map(([seconds, label]) => h('option', { value: String(seconds), selected: seconds === 1800 }, label)));
  const record = h('input', { type: 'checkbox', id: 'live-record', name: 'record', checked: true });
  const form = h('form', { id: 'live-create' },
    h('div', { class: 'field' }, h('label', { for: 'live-title' }, 'Title'), title),
    h('div', { class: 'field' }, h('label', { for: 'live-dvr' }, 'Viewers can rewind'), dvr),
    h('div', { class: 'field checkbox' }, record, h('label', { for: 'live-record' }, 'Keep each broadcast as a video')),
    h('button', { type: 'submit', id: 'live-create-button' }, 'Create live stream'), problem);
  const stops = [];

  function show(stream) {
    const existing = list.querySelector(`[data-live-id="${CSS.escape(stream.id)}"]`);
    if (existing) existing.replaceWith(row(stream));
    else list.append(row(stream));
    message.textContent = '';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    try {
      const created = await createLiveStream({ title: title.value.trim() || null, dvrWindowSeconds: Number(dvr.value), record: record.checked });
      location.hash = `#/live/${created.id}`;
    } catch (error) {
      problem.textContent = error.message;
    }
  });

  listLiveStreams().then(({ items }) => {
    message.textContent = items.length ? '' : 'No live streams yet: create one above.';
    for (const stream of items) {
      show(stream);
      watchLive(stream.id, show, () => list.querySelector(`[data-live-id="${CSS.escape(stream.id)}"]`)?.remove())
        .then((stop) => stops.push(stop), () => {});
    }
  }, (error) => { message.textContent = `Could not load the live streams: ${error.message}`; });

  const section = h('div', { class: 'home' },
    h('section', { class: 'panel', 'aria-labelledby': 'live-create-heading' }, h('h1', { id: 'live-create-heading' }, 'New live stream'), form),
    h('section', { class: 'panel', 'aria-labelledby': 'live-heading' }, h('h2', { id: 'live-heading' }, 'Live streams'), message, list));
  return [section, () => stops.forEach((stop) => stop())];
}

function copyField(id, label, value, secret = false) {
  const input = h('input', { id, readonly: true, value, type: secret ? 'password' : 'text', spellcheck: 'false', class: 'mono' });
  const copy = h('button', { type: 'button', class: 'secondary small', 'data-copy': id }, 'Copy');
  copy.addEventListener('click', async () => {
    await navigator.clipboard?.writeText(input.value).catch(() => {});
    copy.textContent = 'Copied';
    setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
  });
  const controls = [input, copy];
  if (secret) {
    const reveal = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': 'false' }, 'Show');
    reveal.addEventListener('click', () => {
      const shown = input.type === 'password';
      input.type = shown ? 'text' : 'password';
      reveal.textContent = shown ? 'Hide' : 'Show';
      reveal.setAttribute('aria-pressed', String(shown));
    });
    controls.push(reveal);
  }
  return h('div', { class: 'field copy-field' }, h('label', { for: id }, label), h('div', { class: 'copy-row' }, controls));
}

/** The DVR bar: a range over the player's seekable window, and a button back to the live edge. */
function dvrControls(video) {
  const range = h('input', { type: 'range', id: 'live-dvr-seek', min: '0', max: '0', step: '0.5', value: '0', 'aria-label': 'Rewind within the DVR window' });
  const behind = h('span', { class: 'muted small', id: 'live-behind' }, '');
  const toLive = h('button', { type: 'button', class: 'secondary small', id: 'live-to-edge' }, 'Back to live');
  const seekable = () => (video.seekable.length ? [video.seekable.start(0), video.seekable.end(video.seekable.length - 1)] : [0, 0]);
  let dragging = false;
  const update = () => {
    const [start, end] = seekable();
    range.min = String(start);
    range.max = String(end);
    if (!dragging) range.value = String(video.currentTime);
    const lag = Math.max(0, end - video.currentTime);
    behind.textContent = end > start ? `${formatDuration(lag)} behind the live edge · window ${formatDuration(end - start)}` : '';
  };
  range.addEventListener('input', () => { dragging = true; });
  range.addEventListener('change', () => { dragging = false; video.currentTime = Number(range.value); });
  toLive.addEventListener('click', () => { video.currentTime = seekable()[1]; video.play().catch(() => {}); });
  video.addEventListener('timeupdate', update);
  video.addEventListener('progress', update);
  return h('div', { class: 'dvr' }, range, toLive, behind);
}

/** A live stream's page; returns [element, dispose]. */
export function liveStreamView(id) {
  const heading = h('h1', { id: 'live-stream-heading' }, id);
  const badge = h('span', { id: 'live-badge' });
  const status = h('dd', { id: 'live-status' }, '…');
  const latency = h('dd', { id: 'live-latency' }, '–');
  const legs = h('dd', { id: 'live-legs' }, '–');
  const recordings = h('ul', { id: 'live-recordings', class: 'small' });
  const video = h('video', { id: 'live-video', controls: true, muted: true, playsinline: true, autoplay: true });
  const playerMessage = h('p', { class: 'muted', id: 'live-player-message' }, 'Nothing to play yet: go live with the settings below.');
  const instructions = h('div', { id: 'live-instructions' });
  const problem = h('p', { class: 'error', role: 'alert', id: 'live-problem' });
  let hls = null;
  let stop = () => {};
  let loadedSession = null;
  let current = null;

  async function play(stream) {
    // A new session (or the first) needs the player reloaded: its segments and keys are the session's own. It starts
    // once a video segment is out (the latency is measured on one): an empty live playlist only costs the player retries.
    if (!stream.session || stream.session.latencySeconds == null || stream.session.id === loadedSession) return;
    loadedSession = stream.session.id;
    try {
      const { url } = await createLivePlayback(id);
      hls?.destroy();
      if (window.Hls?.isSupported()) {
        hls = new window.Hls({ liveSyncDurationCount: 3, manifestLoadingMaxRetry: 6 });
        const player = hls;
        player.on(window.Hls.Events.ERROR, (_, error) => {
          if (!error.fatal || player !== hls) return;
          // A busy origin or a stall is not the end of a broadcast: recover and keep loading, as the VOD player does.
          if (error.type === window.Hls.ErrorTypes.MEDIA_ERROR) player.recoverMediaError();
          else if (error.response?.code === 403) playerMessage.textContent = 'The playback link has expired: reload the page.';
          else if (error.type === window.Hls.ErrorTypes.NETWORK_ERROR) setTimeout(() => { if (player === hls) player.startLoad(); }, 1000);
          else playerMessage.textContent = `Playback failed (${error.details}): reload the page.`;
        });
        hls.loadSource(url);
        hls.attachMedia(video);
      } else {
        video.src = url; // Safari plays HLS itself
      }
      playerMessage.textContent = '';
      video.play().catch(() => {});
    } catch (error) {
      loadedSession = null;
      playerMessage.textContent = `Could not start the player: ${error.message}`;
    }
  }

  function render(stream) {
    current = stream;
    document.title = `${stream.title || stream.id} · Live · Streamio`;
    heading.textContent = stream.title || stream.id;
    badge.replaceChildren(liveBadge(stream));
    status.textContent = stream.status;
    latency.textContent = latencyText(stream);
    legs.textContent = stream.session ? String(stream.session.legs) : '–';
    recordings.replaceChildren(...stream.recordingVideoIds.map((videoId) => h('li', {}, h('a', { href: `#/videos/${videoId}` }, videoId))));
    instructions.replaceChildren(
      h('p', {}, 'In OBS: Settings → Stream → Service "Custom…", then paste the server and the stream key. Any RTMP or SRT encoder works the same way.'),
      copyField('live-rtmp-url', 'Server (RTMP)', stream.rtmpUrl),
      copyField('live-stream-key', 'Stream key', stream.streamKey, true),
      copyField('live-srt-url', 'SRT URL (key included)', stream.srtUrl, true));
    play(stream);
  }

  const resetKey = h('button', { type: 'button', class: 'secondary', id: 'live-reset-key' }, 'Reset stream key');
  resetKey.addEventListener('click', async () => {
    if (!confirm('Issue a new stream key? The old one stops working at once and a broadcast using it is cut off.')) return;
    try { render(await resetLiveKey(id)); } catch (error) { problem.textContent = error.message; }
  });
  const remove = h('button', { type: 'button', class: 'secondary', id: 'live-delete' }, 'Delete stream');
  remove.addEventListener('click', async () => {
    if (!confirm('Delete this live stream? A broadcast is ended; its recordings stay as videos.')) return;
    try { await deleteLiveStream(id); location.hash = '#/live'; } catch (error) { problem.textContent = error.message; }
  });

  getLiveStream(id).then((stream) => {
    render(stream);
    watchLive(id, (update) => { if (update.id === current?.id) render(update); }, () => { location.hash = '#/live'; })
      .then((stopWatching) => { stop = stopWatching; }, (error) => { problem.textContent = `Live updates are off: ${error.message}`; });
  }, (error) => { problem.textContent = error.message; heading.textContent = 'Live stream not found'; });

  const view = h('div', { class: 'live-page' },
    h('section', { class: 'panel', 'aria-labelledby': 'live-stream-heading' },
      h('div', { class: 'live-title' }, heading, badge), problem,
      h('div', { class: 'player-box' }, video, playerMessage, dvrControls(video)),
      h('dl', { class: 'facts' }, h('dt', {}, 'Status'), status, h('dt', {}, 'Latency'), latency, h('dt', {}, 'Connections'), legs),
      h('h2', {}, 'Recordings'), recordings),
    h('section', { class: 'panel', 'aria-labelledby': 'go-live-heading' },
      h('h2', { id: 'go-live-heading' }, 'Go live'), instructions, h('div', { class: 'actions' }, resetKey, remove)));
  return [view, () => { stop(); hls?.destroy(); }];
}
