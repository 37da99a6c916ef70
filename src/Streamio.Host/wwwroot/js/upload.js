// Upload: drag and drop or file picker, checked against GET /v1/config first, sent with XMLHttpRequest for byte progress.
import { config, problemOf, reportUnauthorized, withKey } from './api.js';
import { formatBytes, formatDuration, h } from './dom.js';

/** Why the file cannot be sent, or null when it may be. */
export function refusal(file, { maxUploadBytes, acceptedExtensions, acceptedFormats }) {
  const dot = file.name.lastIndexOf('.');
  const extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : '';
  if (!acceptedExtensions.includes(extension)) {
    return `“${file.name}” is not a video Streamio accepts: upload ${acceptedFormats.join(', ')} (${acceptedExtensions.join(' ')}).`;
  }
  if (file.size > maxUploadBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; the largest upload is ${formatBytes(maxUploadBytes)}.`;
  }
  return null;
}

/** Renders the upload panel; onUploaded(video) runs when the server has the file. */
export function uploadPanel(onUploaded) {
  const input = h('input', { type: 'file', id: 'upload-file', class: 'visually-hidden', accept: 'video/*' });
  const title = h('input', { type: 'text', id: 'upload-title', maxlength: '200', placeholder: 'Defaults to the file name', autocomplete: 'off' });
  const logo = h('input', { type: 'checkbox', id: 'upload-logo', checked: true });
  const forensic = h('input', { type: 'checkbox', id: 'upload-forensic', 'aria-describedby': 'upload-forensic-help' });
  const progress = h('progress', { id: 'upload-progress', max: '1', value: '0', 'aria-label': 'Upload progress' });
  const stats = h('p', { id: 'upload-stats', class: 'muted', 'aria-live': 'polite' });
  const cancel = h('button', { type: 'button', id: 'upload-cancel', class: 'secondary' }, 'Cancel upload');
  const status = h('div', { class: 'upload-status', hidden: true }, progress, stats, cancel);
  const error = h('p', { id: 'upload-error', class: 'error', role: 'alert' });
  const drop = h('label', { class: 'drop', for: 'upload-file', id: 'drop-zone' },
    h('span', { class: 'drop-title' }, 'Drop a video here'),
    h('span', { class: 'muted' }, 'or ', h('span', { class: 'link' }, 'choose a file')),
    h('span', { class: 'muted small', id: 'upload-limits' }));
  let request = null;

  config().then(({ maxUploadBytes, acceptedFormats, acceptedExtensions }) => {
    drop.querySelector('#upload-limits').textContent = `${acceptedFormats.join(', ')} · up to ${formatBytes(maxUploadBytes)}`;
    input.accept = [...acceptedExtensions, 'video/*'].join(',');
  }).catch((failure) => { error.textContent = failure.message; });

  async function send(file) {
    error.textContent = '';
    if (request) return;
    const settings = await config();
    const why = refusal(file, settings);
    if (why) { error.textContent = why; return; }
    const form = new FormData();
    form.append('title', title.value.trim() || file.name.replace(/\.[^.]+$/, ''));
    form.append('logo', logo.checked ? 'true' : 'false');
    if (forensic.checked) form.append('forensic', 'true');
    form.append('file', file);
    request = new XMLHttpRequest();
    const started = performance.now();
    status.hidden = false;
    progress.value = 0;
    stats.textContent = `Starting upload of ${file.name}…`;
    request.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      const seconds = (performance.now() - started) / 1000;
      const speed = seconds > 0 ? event.loaded / seconds : 0;
      const left = speed > 0 ? (event.total - event.loaded) / speed : NaN;
      progress.value = event.loaded / event.total;
      stats.textContent = `${formatBytes(event.loaded)} of ${formatBytes(event.total)} · ${formatBytes(speed)}/s · ${formatDuration(left)} left`;
    };
    const finish = () => { request = null; status.hidden = true; input.value = ''; };
    request.onload = async () => {
      const response = new Response(request.responseText, { status: request.status, statusText: request.statusText });
      finish();
      if (response.ok) onUploaded(await response.json());
      else if (response.status === 401) reportUnauthorized(await problemOf(response));
      else error.textContent = `The server refused the upload: ${await problemOf(response)}`;
    };
    request.onerror = () => { finish(); error.textContent = 'The upload failed: the connection to Streamio was lost. Try again.'; };
    request.onabort = () => { finish(); error.textContent = 'Upload cancelled.'; };
    request.open('POST', '/v1/videos');
    for (const [name, value] of Object.entries(withKey({ accept: 'application/json' }))) request.setRequestHeader(name, value);
    request.send(form);
  }

  input.addEventListener('change', () => input.files[0] && send(input.files[0]));
  cancel.addEventListener('click', () => request?.abort());
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    if (event.dataTransfer.files[0]) send(event.dataTransfer.files[0]);
  });

  return h('section', { class: 'panel', 'aria-labelledby': 'upload-heading' },
    h('h2', { id: 'upload-heading' }, 'Upload a video'),
    input, drop,
    h('div', { class: 'field' }, h('label', { for: 'upload-title' }, 'Title (optional)'), title),
    h('div', { class: 'field checkbox' }, logo, h('label', { for: 'upload-logo' }, 'Draw the project’s logo on every rendition (when the project has one)')),
    h('div', { class: 'field checkbox' }, forensic, h('label', { for: 'upload-forensic' }, 'Forensic watermark'),
      h('span', { class: 'muted small', id: 'upload-forensic-help' }, 'Each viewer gets an invisibly marked stream, so a leaked recording can be traced to them.')),
    status, error);
}
