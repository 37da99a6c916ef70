// "Who leaked this?": sends a recording of a forensic video to POST /v1/forensics/detect and shows who it came from.
import { problemOf, reportUnauthorized, withKey } from './api.js';
import { h } from './dom.js';

const percent = (value) => `${(value * 100).toFixed(value >= 0.9999 ? 4 : 2)}%`;

/** The detector's answer as the page shows it. */
function answerView(answer) {
  const summary = answer.match
    ? h('p', { class: 'forensic-match', id: 'forensic-verdict' }, 'Leaked from the stream of ', h('strong', { id: 'forensic-viewer' }, answer.viewer),
      ` (confidence ${percent(answer.confidence)}, ${answer.segmentsRead} segments read, the recording starts ${answer.offsetSeconds} s into the video).`)
    : h('p', { class: 'forensic-none', id: 'forensic-verdict' }, h('strong', {}, 'No match. '), answer.reason);
  const candidates = answer.candidates?.length
    ? h('table', { class: 'candidates', id: 'forensic-candidates' },
      h('caption', { class: 'muted small' }, 'Best-fitting viewers (score: how far above chance their code explains the recording)'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'viewer'), h('th', { scope: 'col' }, 'score'), h('th', { scope: 'col' }, 'segments agreeing'))),
      h('tbody', {}, answer.candidates.map((candidate) => h('tr', {},
        h('td', {}, candidate.viewer), h('td', {}, candidate.score.toFixed(1)), h('td', {}, percent(candidate.agreement))))))
    : null;
  return [summary, candidates];
}

export function forensicsView(videoId) {
  const video = h('input', { type: 'text', id: 'forensic-video', required: true, value: videoId, placeholder: 'v_…', autocomplete: 'off', spellcheck: 'false' });
  const file = h('input', { type: 'file', id: 'forensic-file', required: true, accept: 'video/*' });
  const submit = h('button', { type: 'submit', id: 'forensic-submit' }, 'Find the viewer');
  const status = h('p', { class: 'muted', id: 'forensic-status', 'aria-live': 'polite' });
  const result = h('div', { id: 'forensic-result', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', id: 'forensic-error', role: 'alert' });
  const form = h('form', { id: 'forensic-form' },
    h('div', { class: 'field' }, h('label', { for: 'forensic-video' }, 'Video id'), video),
    h('div', { class: 'field' }, h('label', { for: 'forensic-file' }, 'Recording of the video (a screen capture, a re-upload…)'), file),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    result.replaceChildren();
    const body = new FormData();
    body.append('videoId', video.value.trim());
    body.append('file', file.files[0]);
    submit.disabled = true;
    status.textContent = 'Comparing the recording with the video… (the server decodes both: this takes a while for long recordings)';
    try {
      const response = await fetch('/v1/forensics/detect', { method: 'POST', body, headers: withKey({ accept: 'application/json' }) });
      if (response.status === 401) reportUnauthorized(await problemOf(response));
      else if (!response.ok) error.textContent = await problemOf(response);
      else result.replaceChildren(...answerView(await response.json()).filter(Boolean));
    } catch {
      error.textContent = 'The connection to Streamio was lost. Try again.';
    } finally {
      submit.disabled = false;
      status.textContent = '';
    }
  });

  return h('section', { class: 'panel forensics', 'aria-labelledby': 'forensic-heading' },
    h('h1', { id: 'forensic-heading' }, 'Who leaked this?'),
    h('p', { class: 'muted' }, 'For a video uploaded with a forensic watermark: send a recording of it, and Streamio names the viewer whose stream it came from.'),
    form, status, error, result);
}
