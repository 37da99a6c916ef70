// One SignalR connection to /hubs/videos shared by every view (videos and live streams); watchers are re-subscribed
// after a reconnect.
import { config, loadLibraries, storedKey } from './api.js';

// What the hub calls each kind of thing: the method to subscribe, to unsubscribe, and the two messages it sends.
const KINDS = {
  video: { subscribe: 'Subscribe', unsubscribe: 'Unsubscribe', updated: 'videoUpdated', deleted: 'videoDeleted' },
  live: { subscribe: 'SubscribeLive', unsubscribe: 'UnsubscribeLive', updated: 'liveUpdated', deleted: 'liveDeleted' },
};
const watchers = new Map(); // "kind:id" → Set of {onUpdate, onDeleted}
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
  for (const [kind, names] of Object.entries(KINDS)) {
    hub.on(names.updated, (item) => watchers.get(`${kind}:${item.id}`)?.forEach((watcher) => watcher.onUpdate(item)));
    hub.on(names.deleted, ({ id }) => watchers.get(`${kind}:${id}`)?.forEach((watcher) => watcher.onDeleted?.(id)));
  }
  hub.onreconnected(() => {
    for (const key of watchers.keys()) {
      const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      hub.invoke(KINDS[kind].subscribe, id).catch(() => {});
    }
  });
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
export const watch = (id, onUpdate, onDeleted) => watchKind('video', id, onUpdate, onDeleted);

/** The same for a live stream: its status, latency and session as they change. */
export const watchLive = (id, onUpdate, onDeleted) => watchKind('live', id, onUpdate, onDeleted);

async function watchKind(kind, id, onUpdate, onDeleted) {
  const key = `${kind}:${id}`;
  const watcher = { onUpdate, onDeleted };
  if (!watchers.has(key)) watchers.set(key, new Set());
  watchers.get(key).add(watcher);
  const hub = await connection();
  // Subscribing again is harmless and makes the server push the current state, which this watcher has not seen.
  try {
    await hub.invoke(KINDS[kind].subscribe, id);
  } catch (error) {
    watchers.get(key)?.delete(watcher);
    if (watchers.get(key)?.size === 0) watchers.delete(key);
    throw new Error(error.message.replace(/^.*HubException: /, ''));
  }
  return () => {
    const set = watchers.get(key);
    set?.delete(watcher);
    if (set && set.size === 0) {
      watchers.delete(key);
      hub.invoke(KINDS[kind].unsubscribe, id).catch(() => {});
    }
  };
}
