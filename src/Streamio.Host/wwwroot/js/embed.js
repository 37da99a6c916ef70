// The embed page (/embed/{id}?token=…&autoplay&muted&loop&start): the player alone, filling the frame.
import { mountPlayer, playerOptions } from './player.js';

const match = /^\/embed\/([^/]+)$/.exec(location.pathname);
const params = new URLSearchParams(location.search);
if (match) {
  const id = decodeURIComponent(match[1]);
  const token = params.get('token') ?? '';
  const options = { ...playerOptions(params), onData: (data) => { if (data.title) document.title = data.title; } };
  mountPlayer(document.body, `/play/${encodeURIComponent(id)}/player.json?token=${encodeURIComponent(token)}`, options);
} else {
  document.body.textContent = 'Open this page through an embedUrl from POST /v1/videos/{id}/playback.';
}
