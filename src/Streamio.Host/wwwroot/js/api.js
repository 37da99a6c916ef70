// The HTTP API and the libraries the page loads from /lib (served from npm's node_modules by Streamio).

/** Reads an error response's problem+json detail, falling back to the status line. */
export async function problemOf(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// The API key: kept in this browser (localStorage) and sent with every API request. Without one, the node decides
// (anonymous loopback access, or 401 and the page asks for a key).
const KEY_ITEM = 'streamio.apiKey';
let onUnauthorized = () => {};

export const storedKey = () => localStorage.getItem(KEY_ITEM);
export const saveKey = (key) => localStorage.setItem(KEY_ITEM, key);
export const forgetKey = () => localStorage.removeItem(KEY_ITEM);

/** Registers what happens when the API answers 401 (the app shows the key form with the server's detail). */
export function whenUnauthorized(callback) { onUnauthorized = callback; }

/** Reports a 401 answer to the app; upload.js calls it for its XMLHttpRequest. */
export const reportUnauthorized = (detail) => onUnauthorized(detail);

/** headers plus x-api-key when a key is stored. */
export function withKey(headers = {}) {
  const key = storedKey();
  return key ? { ...headers, 'x-api-key': key } : headers;
}

/** fetch with the stored key; a 401 answer is reported to the app (and still returned to the caller). */
export async function apiFetch(url, init = {}) {
  const response = await fetch(url, { ...init, headers: withKey(init.headers) });
  if (response.status === 401) reportUnauthorized(await problemOf(response.clone()));
  return response;
}

const postJson = (url, body) => json(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function json(url, init) {
  const response = await apiFetch(url, init);
  if (!response.ok) {
    const error = new Error(await problemOf(response));
    error.status = response.status;
    throw error;
  }
  return response.json();
}

// GET /v1/config is open (no key): it only says what the page checks before uploading.
let configPromise;
export const config = () => (configPromise ??= json('/v1/config'));

export const getVideo = (id) => json(`/v1/videos/${encodeURIComponent(id)}`);

export function listVideos(limit, cursor) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return json(`/v1/videos?${query}`);
}

/** A signed playback URL; with body.watermark, a stream with that text burned into every frame (one viewer's session). */
export const createPlayback = (id, body = {}) => postJson(`/v1/videos/${encodeURIComponent(id)}/playback`, body);
const liveUrl = (id, rest = '') => `/v1/live-streams/${encodeURIComponent(id)}${rest}`;

export const listLiveStreams = () => json('/v1/live-streams');
export const getLiveStream = (id) => json(liveUrl(id));
/** body: {title, dvrWindowSeconds, record}; the answer holds the stream key and the RTMP and SRT URLs. */
export const createLiveStream = (body) => postJson('/v1/live-streams', body);
export const resetLiveKey = (id) => postJson(liveUrl(id, '/reset-key'), {});
export const createLivePlayback = (id) => postJson(liveUrl(id, '/playback'), {});

export async function deleteLiveStream(id) {
  const response = await apiFetch(liveUrl(id), { method: 'DELETE' });
  if (!response.ok) throw new Error(await problemOf(response));
}

// Images under /v1/videos need the key too, which <img src> and CSS url() cannot send: with a key they are fetched
// into blob: URLs, cached per view and revoked when the view changes (releaseImages). Without a key the browser
// loads them itself, as before.
const images = new Map(); // API URL → Promise of a blob: URL

/** A URL an <img>, poster or CSS background can show for the API image at url. */
export function imageSource(url) {
  if (!storedKey()) return Promise.resolve(url);
  if (!images.has(url)) {
    images.set(url, (async () => {
      const response = await apiFetch(url);
      if (!response.ok) throw new Error(await problemOf(response));
      return URL.createObjectURL(await response.blob());
    })());
  }
  return images.get(url);
}

/** Revokes the blob: URLs of the view that is going away. */
export function releaseImages() {
  for (const source of images.values()) source.then((blobUrl) => URL.revokeObjectURL(blobUrl), () => {});
  images.clear();
}

const loaded = new Map();
function loadScript(url) {
  if (!loaded.has(url)) {
    loaded.set(url, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`Could not load ${url}`));
      document.head.append(script);
    }));
  }
  return loaded.get(url);
}

/** Loads hls.js and the SignalR client, or throws with what to run when node_modules is missing. */
export async function loadLibraries() {
  const { libraries } = await config();
  if (!libraries.available) throw new Error(libraries.problem);
  await Promise.all(Object.values(libraries.urls).map(loadScript));
}
