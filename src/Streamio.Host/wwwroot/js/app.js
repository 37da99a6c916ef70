// Streamio's web app: a hash router over three views (library + upload, upload, video).
import { loadLibraries } from './api.js';
import { h, showBanner } from './dom.js';
import { libraryPanel } from './library.js';
import { uploadPanel } from './upload.js';
import { videoView } from './video.js';

const main = document.getElementById('main');
let dispose = () => {};

const openVideo = (video) => { location.hash = `#/videos/${video.id}`; };

function route() {
  dispose();
  dispose = () => {};
  const path = location.hash.replace(/^#/, '') || '/';
  const match = /^\/videos\/([^/]+)$/.exec(path);
  if (match) {
    const [view, stop] = videoView(decodeURIComponent(match[1]));
    main.replaceChildren(view);
    dispose = stop;
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
    if (link.getAttribute('href') === `#${path}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
}

// The skip link targets #main; keep it from being read as a route.
document.querySelector('[data-skip]').addEventListener('click', (event) => { event.preventDefault(); main.focus(); });
window.addEventListener('hashchange', route);
route();
loadLibraries().then(() => showBanner('')).catch((error) => showBanner(error.message));
