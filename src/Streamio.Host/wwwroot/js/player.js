// The embeddable player: hls.js behind the web app's controls (quality menu, storyboard previews on the seek bar,
// keyboard, full screen, poster), fed by /play/{id}/player.json with the playback token alone (no API key). The embed
// page and the <streamio-player> element both mount it.
import { formatDuration, h } from './dom.js';
import { parseStoryboard, showTile } from './storyboard.js';

const icon = (path) => `<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d="${path}"/></svg>`;
const ICONS = {
  play: icon('M8 5v14l11-7z'),
  pause: icon('M6 5h4v14H6zm8 0h4v14h-4z'),
  muted: icon('M4 9h4l5-4v14l-5-4H4zM16 9.4l1.4-1.4 2.1 2.1 2.1-2.1L23 9.4 20.9 11.5 23 13.6 21.6 15l-2.1-2.1-2.1 2.1-1.4-1.4 2.1-2.1z'),
  sound: icon('M4 9h4l5-4v14l-5-4H4zM16 8.5a4.5 4.5 0 0 1 0 7v-2a2.5 2.5 0 0 0 0-3zM16 5a8 8 0 0 1 0 14v-2a6 6 0 0 0 0-10z'),
  download: icon('M11 4h2v8.2l3.3-3.3 1.4 1.4L12 16 6.3 10.3l1.4-1.4 3.3 3.3zM5 18h14v2H5z'),
  fullscreen: icon('M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z'),
};
const SEEK_STEP = 5;

const flag = (params, name) => ['', '1', 'true'].includes(params.get(name) ?? 'absent');

/** Player options from a query string or an element's attributes: autoplay, muted, loop, start (seconds). */
export function playerOptions(params) {
  return { autoplay: flag(params, 'autoplay'), muted: flag(params, 'muted'), loop: flag(params, 'loop'), start: Math.max(0, Number(params.get('start')) || 0) };
}

const scripts = new Map();
/** Loads hls.js from the Streamio at origin (once per page). */
export function loadHls(origin) {
  if (window.Hls) return Promise.resolve();
  const url = `${origin}/lib/hls.js`;
  if (!scripts.has(url)) {
    scripts.set(url, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error('The player library could not be loaded.'));
      document.head.append(script);
    }));
  }
  return scripts.get(url);
}

async function problemOf(response) {
  try { return (await response.json()).detail || `${response.status} ${response.statusText}`; } catch { return `${response.status} ${response.statusText}`; }
}

/**
 * Fills root (an element or a shadow root) with a player for the video behind dataUrl (its player.json URL, token
 * included). Returns a function that tears it down.
 */
export function mountPlayer(root, dataUrl, options) {
  const origin = new URL(dataUrl, location.href).origin;
  const video = h('video', { class: 'sp-video', playsinline: true, preload: 'metadata' });
  const message = h('div', { class: 'sp-message', role: 'alert', hidden: true });
  const play = h('button', { type: 'button', class: 'sp-play', 'aria-label': 'Play' });
  play.innerHTML = ICONS.play;
  const seek = h('input', { type: 'range', class: 'sp-seek', min: '0', max: '0', step: '0.1', value: '0', 'aria-label': 'Seek' });
  const preview = h('div', { class: 'sp-preview', hidden: true }, h('div', { class: 'sp-tile' }), h('span', { class: 'sp-preview-time' }));
  const clock = h('span', { class: 'sp-clock' }, '0:00 / –:––');
  const mute = h('button', { type: 'button', class: 'sp-mute', 'aria-label': 'Mute' });
  mute.innerHTML = ICONS.sound;
  const quality = h('select', { class: 'sp-quality', 'aria-label': 'Quality', disabled: true }, h('option', { value: '-1' }, 'Auto'));
  const fullscreen = h('button', { type: 'button', class: 'sp-fullscreen', 'aria-label': 'Full screen' });
  fullscreen.innerHTML = ICONS.fullscreen;
  const download = h('a', { class: 'sp-download', 'aria-label': 'Download MP4', hidden: true, download: '' });
  download.innerHTML = ICONS.download;
  const controls = h('div', { class: 'sp-controls', role: 'group', 'aria-label': 'Player controls' },
    play, h('div', { class: 'sp-seek-wrap' }, seek, preview), clock, mute, quality, download, fullscreen);
  const player = h('div', { class: 'streamio-player', tabindex: '0', 'data-state': 'loading' }, video, message, controls);
  root.append(player);

  let hls = null;
  let data = null;
  let storyboard = [];
  let disposed = false;
  let retry = null;

  const fail = (text, state = 'error') => {
    message.textContent = text;
    message.hidden = false;
    player.dataset.state = state;
    controls.hidden = state === 'error' || state === 'failed';
  };
  const duration = () => data?.durationSeconds ?? video.duration;
  const tick = () => { clock.textContent = `${formatDuration(video.currentTime)} / ${formatDuration(duration())}`; };

  async function load() {
    let response;
    try { response = await fetch(dataUrl); } catch { fail('The video could not be reached.'); return; }
    if (disposed) return;
    if (!response.ok) { fail(await problemOf(response)); return; }
    data = await response.json();
    options.onData?.(data);
    player.dataset.status = data.status; // what the video was doing when the player loaded
    if (data.status === 'failed') { fail(`This video could not be processed: ${data.error}`, 'failed'); return; }
    if (!data.playable) {
      fail('This video is still being processed…', 'waiting');
      retry = setTimeout(load, 2000);
      return;
    }
    message.hidden = true;
    controls.hidden = false;
    if (data.durationSeconds) seek.max = String(data.durationSeconds);
    video.poster = data.thumbnailUrl;
    if (data.downloadUrl) { download.href = data.downloadUrl; download.hidden = false; }
    video.loop = options.loop;
    video.muted = options.muted;
    if (data.storyboardUrl) {
      fetch(data.storyboardUrl).then((r) => (r.ok ? r.text() : '')).then((text) => { storyboard = parseStoryboard(text, data.storyboardUrl); }).catch(() => {});
    }
    try { await loadHls(origin); } catch (error) { fail(error.message); return; }
    if (disposed) return;
    start();
  }

  function start() {
    const Hls = window.Hls;
    player.dataset.state = 'ready';
    const begin = () => {
      if (options.start) video.currentTime = options.start;
      if (options.autoplay) {
        // Browsers refuse unmuted autoplay without a gesture: fall back to muted rather than not playing.
        video.play().catch(() => { video.muted = true; video.play().catch(() => {}); });
      }
    };
    if (Hls.isSupported()) {
      // From the start (or start=) even while encoding, when the playlists are EVENT playlists hls.js would join at
      // the live edge; and then on the lowest rung, the one encoded first.
      hls = new Hls({ startPosition: options.start || 0, startLevel: data.status === 'ready' ? -1 : 0, capLevelToPlayerSize: true });
      hls.on(Hls.Events.MANIFEST_PARSED, (_, parsed) => {
        quality.replaceChildren(h('option', { value: '-1' }, 'Auto'),
          ...parsed.levels.map((level, index) => h('option', { value: String(index) }, `${level.height}p`)));
        quality.disabled = false;
        if (options.autoplay) video.play().catch(() => { video.muted = true; video.play().catch(() => {}); });
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_, switched) => { player.dataset.height = String(hls.levels[switched.level].height); });
      hls.on(Hls.Events.ERROR, (_, error) => {
        if (!error.fatal) return;
        if (error.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else if (error.response?.code === 403) fail('This video link has expired or may not be played here.');
        else if (error.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
        else fail(`Playback failed: ${error.details}`);
      });
      hls.loadSource(data.url);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = data.url;
      video.addEventListener('loadedmetadata', begin, { once: true });
    } else {
      fail('This browser cannot play HLS.');
    }
  }

  function togglePlay() { if (video.paused) video.play().catch(() => {}); else video.pause(); }
  function seekTo(t) { video.currentTime = Math.min(Math.max(0, t), duration() || t); }
  function toggleFullscreen() {
    const doc = player.ownerDocument;
    if (doc.fullscreenElement) doc.exitFullscreen().catch(() => {}); else player.requestFullscreen?.().catch(() => {});
  }
  function previewAt(t) {
    if (!storyboard.length || !Number(seek.max)) { preview.hidden = true; return; }
    showTile(preview.querySelector('.sp-tile'), storyboard, t);
    preview.querySelector('.sp-preview-time').textContent = formatDuration(t);
    preview.hidden = false;
    const fraction = t / Number(seek.max);
    preview.style.left = `calc(${(fraction * 100).toFixed(2)}% - ${preview.offsetWidth * fraction}px)`;
  }

  video.addEventListener('timeupdate', () => { if (root.activeElement !== seek && document.activeElement !== seek) seek.value = String(video.currentTime); tick(); });
  video.addEventListener('play', () => { play.innerHTML = ICONS.pause; play.setAttribute('aria-label', 'Pause'); });
  video.addEventListener('pause', () => { play.innerHTML = ICONS.play; play.setAttribute('aria-label', 'Play'); });
  video.addEventListener('volumechange', () => {
    mute.innerHTML = video.muted ? ICONS.muted : ICONS.sound;
    mute.setAttribute('aria-label', video.muted ? 'Unmute' : 'Mute');
  });
  video.addEventListener('click', togglePlay);
  play.addEventListener('click', togglePlay);
  mute.addEventListener('click', () => { video.muted = !video.muted; });
  fullscreen.addEventListener('click', toggleFullscreen);
  quality.addEventListener('change', () => { if (hls) hls.currentLevel = Number(quality.value); });
  seek.addEventListener('input', () => { seekTo(Number(seek.value)); previewAt(Number(seek.value)); });
  seek.addEventListener('change', () => { preview.hidden = true; });
  seek.addEventListener('pointermove', (event) => {
    const box = seek.getBoundingClientRect();
    previewAt(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) * Number(seek.max));
  });
  seek.addEventListener('pointerleave', () => { preview.hidden = true; });
  player.addEventListener('keydown', (event) => {
    if (event.target === quality || event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      ' ': togglePlay, k: togglePlay, m: () => { video.muted = !video.muted; }, f: toggleFullscreen,
      ArrowLeft: () => seekTo(video.currentTime - SEEK_STEP), ArrowRight: () => seekTo(video.currentTime + SEEK_STEP),
      Home: () => seekTo(0), End: () => seekTo(duration()),
    };
    const action = actions[event.key];
    if (!action || (event.target === seek && event.key.startsWith('Arrow'))) return;
    event.preventDefault();
    action();
  });
  video.muted = options.muted;
  load();

  return () => {
    disposed = true;
    clearTimeout(retry);
    hls?.destroy();
    player.remove();
  };
}
