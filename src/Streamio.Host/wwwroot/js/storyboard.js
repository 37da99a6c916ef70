// Storyboard previews: the WebVTT maps time ranges to #xywh tiles of one sprite image.
import { apiFetch, imageSource } from './api.js';

function seconds(timestamp) {
  const parts = timestamp.trim().split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** Parses a storyboard WebVTT into [{start, end, url, x, y, w, h}], tile URLs resolved against the VTT's own URL. */
export function parseStoryboard(text, vttUrl) {
  const base = new URL(vttUrl, location.href);
  const cues = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter(Boolean);
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0 || !lines[timing + 1]) continue;
    const [start, end] = lines[timing].split('-->').map(seconds);
    const target = new URL(lines[timing + 1].trim(), base);
    const match = /xywh=(\d+),(\d+),(\d+),(\d+)/.exec(target.hash);
    if (!match) continue;
    const [x, y, w, h] = match.slice(1).map(Number);
    target.hash = '';
    cues.push({ start, end, url: target.href, x, y, w, h });
  }
  return cues;
}

/** Fetches and parses storyboard.vtt (an API URL), tile URLs then shown through imageSource. */
export async function loadStoryboard(vttUrl) {
  const response = await apiFetch(vttUrl);
  if (!response.ok) return [];
  const cues = parseStoryboard(await response.text(), vttUrl);
  // The sprite is an API image: show it through imageSource (a blob: URL when a key is needed).
  const sources = new Map(await Promise.all([...new Set(cues.map((cue) => cue.url))].map(async (url) => [url, await imageSource(url)])));
  return cues.map((cue) => ({ ...cue, url: sources.get(cue.url) }));
}

/** Shows the tile for time t in element (as a background), or hides it when there is none. */
export function showTile(element, cues, t) {
  const cue = cues.find((candidate) => t >= candidate.start && t < candidate.end) ?? cues.at(-1);
  if (!cue) { element.hidden = true; return; }
  element.hidden = false;
  element.style.width = `${cue.w}px`;
  element.style.height = `${cue.h}px`;
  element.style.backgroundImage = `url("${cue.url}")`;
  element.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
}
