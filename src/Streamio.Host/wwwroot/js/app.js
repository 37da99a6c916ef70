// Streamio's web app: a hash router over six views (library + upload, upload, video, live streams, a live stream, the leak detector), and the API key form shown
// instead of them whenever the API answers 401.
import { forgetKey, loadLibraries, releaseImages, saveKey, storedKey, whenUnauthorized } from './api.js';
import { h, showBanner } from './dom.js';
import { libraryPanel } from './library.js';
import { liveListView, liveStreamView } from './livestreams.js';
import { disconnect } from './live.js';
import { forensicsView } from './forensics.js';
import { uploadPanel } from './upload.js';
import { videoView } from './video.js';

const main = document.getElementById('main');
const forget = document.getElementById('forget-key');
let dispose = () => {};

const openVideo = (video) => { location.hash = `#/videos/${video.id}`; };

function leaveView() {
  dispose();
  dispose = () => {};
  releaseImages();
  forget.hidden = !storedKey();
}

/** Replaces the view with the key form; detail is the server's reason (no key, not valid, revoked). */
function askForKey(detail) {
  const problem = document.getElementById('key-problem');
  if (problem) { problem.textContent = detail; return; } // several requests were refused at once
  leaveView();
  document.title = 'API key · Streamio';
  const input = h('input', { type: 'password', id: 'api-key', name: 'api-key', required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'key-problem key-help' });
  const form = h('form', { id: 'key-form' },
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input),
    h('button', { type: 'submit', id: 'key-save' }, 'Save'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) useKey(key);
  });
  main.replaceChildren(h('section', { class: 'panel key-panel', 'aria-labelledby': 'key-heading' },
    h('h1', { id: 'key-heading' }, 'This Streamio needs an API key'),
    h('p', { class: 'error', id: 'key-problem', role: 'alert' }, detail),
    form,
    h('p', { class: 'muted small', id: 'key-help' },
      'Ask your Streamio admin for a project key (it starts with sk_). It is kept in this browser and sent with every request.')));
  input.focus();
}

/** Stores (or with null, forgets) the key, closes the live connection made with the old one, and shows the page again. */
async function useKey(key) {
  if (key) saveKey(key);
  else forgetKey();
  leaveView();
  await disconnect();
  route();
}

function route() {
  leaveView();
  const [path, query = ''] = (location.hash.replace(/^#/, '') || '/').split('?');
  const match = /^\/videos\/([^/]+)$/.exec(path);
  const live = /^\/live\/([^/]+)$/.exec(path);
  if (live) {
    const [view, stop] = liveStreamView(decodeURIComponent(live[1]));
    main.replaceChildren(view);
    dispose = stop;
  } else if (path === '/live') {
    document.title = 'Live · Streamio';
    const [view, stop] = liveListView();
    main.replaceChildren(view);
    dispose = stop;
  } else if (match) {
    const [view, stop] = videoView(decodeURIComponent(match[1]));
    main.replaceChildren(view);
    dispose = stop;
  } else if (path === '/forensics') {
    document.title = 'Who leaked this? · Streamio';
    main.replaceChildren(forensicsView(new URLSearchParams(query).get('video') ?? ''));
  } else if (path === '/upload') {
    document.title = 'Upload · Streamio';
    main.replaceChildren(uploadPanel(openVideo));
  } else {
    document.title = 'Streamio';
    const [library, stop] = libraryPanel();
    main.replaceChildren(h('div', { class: 'home' }, uploadPanel(openVideo), library));
    dispose = stop;
  }
  document.querySelectorAll('nav a').forEach((link) => {
    if (link.getAttribute('href') === `#${path}` || (path.startsWith('/live/') && link.getAttribute('href') === '#/live')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
}

// The skip link targets #main; keep it from being read as a route.
document.querySelector('[data-skip]').addEventListener('click', (event) => { event.preventDefault(); main.focus(); });
window.addEventListener('hashchange', route);
forget.addEventListener('click', () => useKey(null));
whenUnauthorized(askForKey);
route();
loadLibraries().then(() => showBanner('')).catch((error) => showBanner(error.message));
