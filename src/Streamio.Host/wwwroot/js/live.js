// One SignalR connection to /hubs/videos shared by every view; watchers are re-subscribed after a reconnect.
import { config, loadLibraries, storedKey } from './api.js';

const watchers = new Map(); // video id → Set of {onUpdate, onDeleted}
let connecting;

function connection() {
  if (!connecting) {
    const attempt = connect();
    connecting = attempt;
    // A refused start (e.g. 401) is not kept: the next watch tries again.
    attempt.catch(() => { if (connecting === attempt) connecting = null; });
  }
  return connecting;
}

async function connect() {
  await loadLibraries();
  const { hubPath } = await config();
  const hub = new window.signalR.HubConnectionBuilder()
    // The key goes in the negotiate request's Authorization header and, for the WebSocket, in ?access_token=.
    .withUrl(hubPath, { accessTokenFactory: () => storedKey() ?? '' })
    .withAutomaticReconnect()
    .configureLogging(window.signalR.LogLevel.Warning)
    .build();
  hub.on('videoUpdated', (video) => watchers.get(video.id)?.forEach((watcher) => watcher.onUpdate(video)));
  hub.on('videoDeleted', ({ id }) => watchers.get(id)?.forEach((watcher) => watcher.onDeleted?.(id)));
  hub.onreconnected(() => { for (const id of watchers.keys()) hub.invoke('Subscribe', id).catch(() => {}); });
  await hub.start();
  return hub;
}

/** Closes the connection (the key changed); the next watch connects again with the current key. */
export async function disconnect() {
  const current = connecting;
  connecting = null;
  watchers.clear();
  const hub = await current?.catch(() => null);
  await hub?.stop();
}

/** Calls onUpdate with the video's current state, then on every change; returns a function that stops watching. */
export async function watch(id, onUpdate, onDeleted) {
  const watcher = { onUpdate, onDeleted };
  if (!watchers.has(id)) watchers.set(id, new Set());
  watchers.get(id).add(watcher);
  const hub = await connection();
  // Subscribing again is harmless and makes the server push the current state, which this watcher has not seen.
  try {
    await hub.invoke('Subscribe', id);
  } catch (error) {
    watchers.get(id)?.delete(watcher);
    if (watchers.get(id)?.size === 0) watchers.delete(id);
    throw new Error(error.message.replace(/^.*HubException: /, ''));
  }
  return () => {
    const set = watchers.get(id);
    set?.delete(watcher);
    if (set && set.size === 0) {
      watchers.delete(id);
      hub.invoke('Unsubscribe', id).catch(() => {});
    }
  };
}
