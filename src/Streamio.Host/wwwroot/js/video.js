// The video page: live status and per-rendition progress, the hls.js player (started as soon as the video is playable),
// quality selection, storyboard previews on the seek bar, a share link, and a watermarked stream on request.
import { createPlayback, getVideo, imageSource, loadLibraries, problemOf } from './api.js';
import { formatDuration, h, showBanner, statusBadge } from './dom.js';
import { watch } from './live.js';
import { loadStoryboard, showTile } from './storyboard.js';

// Inline icons (emoji glyphs are missing from many fonts, e.g. on servers and in headless browsers).
const icon = (path) => `<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d="${path}"/></svg>`;
const ICONS = {
  muted: icon('M4 9h4l5-4v14l-5-4H4zM16 9.4l1.4-1.4 2.1 2.1 2.1-2.1L23 9.4 20.9 11.5 23 13.6 21.6 15l-2.1-2.1-2.1 2.1-1.4-1.4 2.1-2.1z'),
  sound: icon('M4 9h4l5-4v14l-5-4H4zM16 8.5a4.5 4.5 0 0 1 0 7v-2a2.5 2.5 0 0 0 0-3zM16 5a8 8 0 0 1 0 14v-2a6 6 0 0 0 0-10z'),
  fullscreen: icon('M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z'),
};

/** What the forensic panel says: on (which rung) with a link to the detector, or off. */
function forensicText(video) {
  if (!video.forensic) {
    return ['Off: playback of this video cannot be traced to a viewer. Tick “Forensic watermark” when uploading to turn it on.'];
  }
  const rung = video.forensic.rung ? `the ${video.forensic.rung} rung` : 'one rung (chosen once the video is probed)';
  return [`On: ${rung} is also encoded as two invisibly marked copies, and a playback URL made for a viewer serves them in that viewer's own A/B order. `,
    h('a', { href: `#/forensics?video=${encodeURIComponent(video.id)}`, id: 'forensic-detect-link' }, 'Who leaked this?')];
}

export function videoView(id) {
  const heading = h('h1', { id: 'video-title' }, 'Loading…');
  const badge = h('span', { id: 'video-status' });
  const meta = h('p', { class: 'muted', id: 'video-meta' });
  const element = h('video', { id: 'player', playsinline: true, muted: true, preload: 'auto' });
  const waiting = h('div', { class: 'player-overlay', id: 'player-waiting' }, 'Waiting for the first segment…');
  const play = h('button', { type: 'button', id: 'play-toggle', 'aria-label': 'Play' }, '▶');
  const seek = h('input', { type: 'range', id: 'seek', min: '0', max: '0', step: '0.1', value: '0', 'aria-label': 'Seek', disabled: true });
  const preview = h('div', { class: 'preview', id: 'seek-preview', hidden: true }, h('div', { class: 'preview-tile' }), h('span', { class: 'preview-time' }));
  const clock = h('span', { class: 'clock', id: 'clock' }, '0:00 / –:––');
  const mute = h('button', { type: 'button', id: 'mute-toggle', 'aria-label': 'Unmute' });
  mute.innerHTML = ICONS.muted;
  const quality = h('select', { id: 'quality', disabled: true }, h('option', { value: '-1' }, 'Auto'));
  const playing = h('span', { class: 'muted small', id: 'current-quality', 'aria-live': 'polite' });
  const fullscreen = h('button', { type: 'button', id: 'fullscreen', 'aria-label': 'Full screen' });
  fullscreen.innerHTML = ICONS.fullscreen;
  const renditions = h('ul', { class: 'renditions', id: 'renditions' });
  const overall = h('progress', { id: 'overall-progress', max: '1', value: '0', 'aria-label': 'Encoding progress' });
  const error = h('p', { class: 'error', id: 'video-error', role: 'alert' });
  const shareUrl = `${location.origin}/#/videos/${encodeURIComponent(id)}`;
  const share = h('input', { type: 'text', id: 'share-link', readonly: true, value: shareUrl });
  const copy = h('button', { type: 'button', id: 'share-copy', class: 'secondary' }, 'Copy link');
  // Embed code for other sites, filled in once there is a playback URL (its token expires, which the hint says).
  const embedCode = h('textarea', { id: 'embed-code', readonly: true, rows: '3', 'aria-describedby': 'embed-hint' });
  const embedHint = h('p', { class: 'muted small', id: 'embed-hint' });
  const embedPanel = h('section', { class: 'panel share', 'aria-labelledby': 'embed-heading', hidden: true },
    h('h2', { id: 'embed-heading' }, h('label', { for: 'embed-code' }, 'Embed')), embedCode, embedHint);

  const forensicState = h('p', { id: 'forensic-state' });
  const forensicPanel = h('section', { class: 'panel', 'aria-labelledby': 'forensic-heading' },
    h('h2', { id: 'forensic-heading' }, 'Forensic watermark'), forensicState);
  // Watermark: the same player on a stream with the text burned into every frame (a session per viewer on the server).
  const markText = h('input', { type: 'text', id: 'watermark-text', maxlength: '200', placeholder: 'viewer@example.com', required: true });
  const markPosition = h('select', { id: 'watermark-position' },
    ...[['bottom-right', 'Bottom right'], ['bottom-left', 'Bottom left'], ['top-right', 'Top right'], ['top-left', 'Top left'], ['moving', 'Moving (cannot be cropped out)']]
      .map(([value, label]) => h('option', { value }, label)));
  const markOpacity = h('input', { type: 'number', id: 'watermark-opacity', min: '0.05', max: '1', step: '0.05', value: '0.5' });
  const markSize = h('input', { type: 'number', id: 'watermark-size', min: '8', max: '144', step: '1', value: '24' });
  const markApply = h('button', { type: 'submit', id: 'watermark-apply' }, 'Play with watermark');
  const markPlain = h('button', { type: 'button', id: 'watermark-plain', class: 'secondary', hidden: true }, 'Plain stream');
  const markStatus = h('p', { class: 'small', id: 'watermark-status', role: 'status', 'aria-live': 'polite' });
  const field = (label, control) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  const markForm = h('form', { class: 'watermark-form', id: 'watermark-form' },
    field('Text', markText), field('Position', markPosition), field('Opacity', markOpacity), field('Font size (px)', markSize),
    h('div', { class: 'watermark-actions' }, markApply, markPlain));
  const watermarkPanel = h('section', { class: 'panel', 'aria-labelledby': 'watermark-heading', hidden: true },
    h('h2', { id: 'watermark-heading' }, 'Watermark'),
    h('p', { class: 'muted small' }, 'Burns the text into every frame of a stream made for one viewer (720p at most). The stream starts at once and grows while it is made.'),
    markForm, markStatus);

  const playerBox = h('div', { class: 'player' }, element, waiting);
  const controlsBox = h('div', { class: 'controls', role: 'group', 'aria-label': 'Player controls' },
    play, h('div', { class: 'seek-wrap' }, seek, preview), clock, mute,
    h('label', { for: 'quality', class: 'small' }, 'Quality'), quality, playing, fullscreen);

  const encodingPanel = h('section', { class: 'panel', 'aria-labelledby': 'encoding-heading' },
    h('h2', { id: 'encoding-heading' }, 'Encoding'), overall, renditions);

  let video = null;
  let hls = null;
  let starting = false;
  let storyboard = [];
  let storyboardRequested = false;
  let posterUrl = null;
  let stopWatching = () => {};
  let disposed = false;

  const duration = () => video?.durationSeconds ?? element.duration;

  function render(update) {
    video = update;
    heading.textContent = video.title || video.id;
    document.title = `${heading.textContent} · Streamio`;
    badge.replaceChildren(statusBadge(video));
    const size = video.width ? `${video.width}×${video.height}` : '';
    const encoded = video.status === 'failed' ? '' : `${Math.round(video.progress * 100)}% encoded`;
    const logo = video.logo ? 'project logo' : '';
    meta.textContent = [video.durationSeconds ? formatDuration(video.durationSeconds) : '', size, encoded, logo].filter(Boolean).join(' · ');
    overall.value = video.progress;
    error.textContent = video.error ? `Encoding failed: ${video.error}` : '';
    // A failed video has nothing to play: the error takes the player's place, not a waiting player with live controls.
    const failed = video.status === 'failed';
    playerBox.hidden = failed;
    controlsBox.hidden = failed;
    encodingPanel.hidden = failed && video.renditions.length === 0;
    if (failed && hls) { hls.destroy(); hls = null; }
    renditions.replaceChildren(...video.renditions.map((rendition) => h('li', { 'data-rendition': rendition.name },
      h('label', { for: `rendition-${rendition.name}` }, rendition.name),
      h('progress', { id: `rendition-${rendition.name}`, max: '1', value: String(rendition.progress) }),
      h('span', { class: 'small' }, `${Math.round(rendition.progress * 100)}% · ${rendition.status}`))));
    forensicState.replaceChildren(...forensicText(video));
    if (video.durationSeconds) { seek.max = String(video.durationSeconds); }
    tick();
    if (video.playable && !failed && !hls && !starting) startPlayer();
    watermarkPanel.hidden = failed || !video.playable;
    if (video.storyboardUrl && !storyboardRequested) {
      storyboardRequested = true;
      loadStoryboard(video.storyboardUrl).then((cues) => { storyboard = cues; }).catch(() => {});
    }
    if (video.thumbnailUrl !== posterUrl) {
      posterUrl = video.thumbnailUrl;
      if (!posterUrl) element.poster = '';
      else imageSource(posterUrl).then((source) => { if (!disposed && posterUrl === video.thumbnailUrl) element.poster = source; }, () => {});
    }
  }

  async function startPlayer() {
    starting = true;
    try {
      await loadLibraries();
      const { url, embedUrl, expiresAt } = await createPlayback(id);
      if (disposed) return;
      embedCode.value = `<iframe src="${embedUrl}" width="640" height="360" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="border:0"></iframe>`;
      embedHint.textContent = `This link works until ${new Date(expiresAt).toLocaleString()}. For embeds that last, have your server ask for `
        + 'fresh links with POST /v1/videos/{id}/playback (see docs/embedding.md).';
      embedPanel.hidden = false;
      attach(url);
    } catch (failure) {
      error.textContent = `Playback could not start: ${failure.message}`;
    } finally {
      starting = false;
    }
  }

  /** Plays url (the plain or a watermarked master playlist) from the start, replacing whatever played before. */
  function attach(url) {
    hls?.destroy();
    hls = null;
    element.dataset.source = url;
    const Hls = window.Hls;
    element.muted = true; // Browsers allow autoplay only when muted; the viewer can unmute.
    if (Hls.isSupported()) {
      // Start at 0 even while the playlist is still growing (EVENT), and on the rung that is encoded first.
      hls = new Hls({ startPosition: 0, startLevel: 0, capLevelToPlayerSize: false });
      hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
        quality.replaceChildren(h('option', { value: '-1' }, 'Auto'),
          ...data.levels.map((level, index) => h('option', { value: String(index) }, `${level.height}p`)));
        quality.disabled = false;
        element.play().catch(() => {});
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => {
        const level = hls.levels[data.level];
        playing.textContent = `Playing ${level.height}p`;
        playing.dataset.height = String(level.height);
      });
      hls.on(Hls.Events.ERROR, (_, data) => {
        if (data.fatal) {
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
          else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
          else error.textContent = `Playback failed: ${data.details}`;
        }
      });
      hls.loadSource(url);
      hls.attachMedia(element);
    } else if (element.canPlayType('application/vnd.apple.mpegurl')) {
      element.src = url;
      element.play().catch(() => {});
    } else {
      error.textContent = 'This browser cannot play HLS.';
    }
    waiting.hidden = true;
    seek.disabled = false;
  }

  markForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    markApply.disabled = true;
    markStatus.classList.remove('error');
    markStatus.textContent = 'Starting the watermarked stream…';
    try {
      const text = markText.value;
      const stream = await createPlayback(id, {
        viewer: text,
        watermark: { text, position: markPosition.value, opacity: Number(markOpacity.value), fontSize: Number(markSize.value) },
      });
      if (disposed) return;
      markStatus.textContent = 'Waiting for the first watermarked segment…';
      await firstSegment(stream.url);
      if (disposed) return;
      attach(stream.url);
      markPlain.hidden = false;
      markStatus.dataset.session = stream.sessionId;
      markStatus.textContent = `Playing with the watermark “${text}”${stream.reused ? ' (the same viewer’s running stream)' : ''}; `
        + `this stream lasts until ${new Date(stream.sessionExpiresAt).toLocaleString()}.`;
    } catch (failure) {
      markStatus.classList.add('error');
      markStatus.textContent = failure.message;
    } finally {
      markApply.disabled = false;
    }
  });
  /**
   * The session's stream exists from the request on, but its video playlist is empty until the first segment is made:
   * wait for that (playlists need no key, the URL's token is enough), so the player starts on it.
   */
  async function firstSegment(masterUrl) {
    const playlist = masterUrl.replace('/master.m3u8?', '/video.m3u8?');
    for (let waited = 0; waited < 120_000 && !disposed; waited += 250) {
      const media = await fetch(playlist);
      if (!media.ok) throw new Error(await problemOf(media));
      if ((await media.text()).includes('#EXTINF')) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('The watermarked stream did not start in time: try again.');
  }

  markPlain.addEventListener('click', () => {
    markPlain.hidden = true;
    delete markStatus.dataset.session;
    markStatus.textContent = '';
    startPlayer();
  });

  const tick = () => { clock.textContent = `${formatDuration(element.currentTime)} / ${formatDuration(duration())}`; };
  element.addEventListener('timeupdate', () => {
    if (document.activeElement !== seek) seek.value = String(element.currentTime);
    tick();
  });
  // Records what the video was doing when playback first began (e.g. "encoding": watching while the rest is encoded).
  element.addEventListener('playing', () => { element.dataset.startedWhile ??= video.status; });
  element.addEventListener('play', () => { play.textContent = '❚❚'; play.setAttribute('aria-label', 'Pause'); });
  element.addEventListener('pause', () => { play.textContent = '▶'; play.setAttribute('aria-label', 'Play'); });
  element.addEventListener('volumechange', () => {
    mute.innerHTML = element.muted ? ICONS.muted : ICONS.sound;
    mute.setAttribute('aria-label', element.muted ? 'Unmute' : 'Mute');
  });
  play.addEventListener('click', () => (element.paused ? element.play().catch(() => {}) : element.pause()));
  mute.addEventListener('click', () => { element.muted = !element.muted; });
  seek.addEventListener('input', () => { element.currentTime = Number(seek.value); previewAt(Number(seek.value)); });
  seek.addEventListener('change', () => { preview.hidden = true; });
  seek.addEventListener('blur', () => { preview.hidden = true; });
  seek.addEventListener('pointermove', (event) => {
    const box = seek.getBoundingClientRect();
    previewAt(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) * Number(seek.max));
  });
  seek.addEventListener('pointerleave', () => { preview.hidden = true; });
  quality.addEventListener('change', () => { if (hls) hls.currentLevel = Number(quality.value); });
  fullscreen.addEventListener('click', () => element.parentElement.requestFullscreen?.().catch(() => {}));
  copy.addEventListener('click', async () => {
    share.select();
    try { await navigator.clipboard.writeText(shareUrl); copy.textContent = 'Copied'; } catch { copy.textContent = 'Press Ctrl+C to copy'; }
  });

  function previewAt(t) {
    if (!storyboard.length || !Number(seek.max)) { preview.hidden = true; return; }
    showTile(preview.querySelector('.preview-tile'), storyboard, t);
    preview.querySelector('.preview-time').textContent = formatDuration(t);
    preview.hidden = false;
    const fraction = t / Number(seek.max);
    preview.style.left = `calc(${(fraction * 100).toFixed(2)}% - ${preview.offsetWidth * fraction}px)`;
  }

  (async () => {
    try {
      render(await getVideo(id));
      stopWatching = await watch(id, render, () => {
        showBanner('This video was deleted.');
        error.textContent = 'This video was deleted.';
      });
      if (disposed) stopWatching();
    } catch (failure) {
      heading.textContent = failure.status === 404 ? 'Video not found' : 'Could not load the video';
      error.textContent = failure.message;
    }
  })();

  const view = h('article', { class: 'video-page' },
    h('div', { class: 'video-heading' }, heading, badge), meta,
    error, playerBox, controlsBox,
    encodingPanel,
    forensicPanel,
    watermarkPanel,
    h('section', { class: 'panel share', 'aria-labelledby': 'share-heading' },
      h('h2', { id: 'share-heading' }, h('label', { for: 'share-link' }, 'Share')), h('div', { class: 'share-row' }, share, copy)),
    embedPanel);
  return [view, () => {
    disposed = true;
    stopWatching();
    hls?.destroy();
  }];
}
