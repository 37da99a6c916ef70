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

async function json(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) {
    const error = new Error(await problemOf(response));
    error.status = response.status;
    throw error;
  }
  return response.json();
}

let configPromise;
export const config = () => (configPromise ??= json('/v1/config'));

export const getVideo = (id) => json(`/v1/videos/${encodeURIComponent(id)}`);

export function listVideos(limit, cursor) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return json(`/v1/videos?${query}`);
}

export const createPlayback = (id) =>
  json(`/v1/videos/${encodeURIComponent(id)}/playback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

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
