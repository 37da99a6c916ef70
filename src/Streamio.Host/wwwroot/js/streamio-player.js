// <streamio-player src="{embedUrl}" autoplay muted loop start="12"></streamio-player>: the embed player without an
// iframe. Load this module from the Streamio that made the URL:
//   <script type="module" src="https://streamio.example.com/js/streamio-player.js"></script>
import { mountPlayer, playerOptions } from './player.js';

const STYLES = new URL('../player.css', import.meta.url).href;

class StreamioPlayer extends HTMLElement {
  static observedAttributes = ['src'];

  #unmount = null;

  connectedCallback() { this.#render(); }

  disconnectedCallback() { this.#unmount?.(); this.#unmount = null; }

  attributeChangedCallback() { if (this.isConnected) this.#render(); }

  #render() {
    this.#unmount?.();
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.replaceChildren(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: STYLES }),
      Object.assign(document.createElement('style'), { textContent: ':host { display: block; aspect-ratio: 16 / 9; background: #000; }' }));
    const src = this.getAttribute('src');
    const match = src && /\/embed\/([^/?#]+)/.exec(new URL(src, location.href).pathname);
    if (!match) {
      root.append(Object.assign(document.createElement('p'), { textContent: 'Set src to an embedUrl from POST /v1/videos/{id}/playback.' }));
      return;
    }
    const url = new URL(src, location.href);
    const options = playerOptions(new URLSearchParams([...url.searchParams, ...[...this.attributes].map((a) => [a.name, a.value])]));
    const data = `${url.origin}/play/${match[1]}/player.json?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`;
    this.#unmount = mountPlayer(root, data, options);
  }
}

if (!customElements.get('streamio-player')) customElements.define('streamio-player', StreamioPlayer);
