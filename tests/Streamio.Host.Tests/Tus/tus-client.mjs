// Drives the real tus-js-client (Node build) against Streamio for the C# tests, printing one JSON line per event.
//
//   node tus-client.mjs <endpoint> <file> <chunkSize> abort-after <bytes>   upload until <bytes> went out, then abort
//   node tus-client.mjs <endpoint> <file> <chunkSize> resume <uploadUrl>    a new client finishes the upload at <uploadUrl>
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import * as tus from 'tus-js-client'

const [endpoint, file, chunkSize, mode, argument] = process.argv.slice(2)
const data = readFileSync(file)
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`)
let videoId = null
let aborting = false

const upload = new tus.Upload(data, {
  endpoint,
  uploadUrl: mode === 'resume' ? argument : null,
  chunkSize: Number(chunkSize),
  retryDelays: [0, 200, 1000],
  storeFingerprintForResuming: false,
  metadata: { filename: basename(file), title: 'Uploaded with tus' },
  onUploadUrlAvailable() {
    emit({ event: 'url', url: upload.url })
  },
  onAfterResponse(request, response) {
    emit({ event: 'response', method: request.getMethod(), status: response.getStatus(), offset: response.getHeader('Upload-Offset') ?? null })
    videoId = response.getHeader('Streamio-Video-Id') ?? videoId
  },
  onProgress(bytesSent, bytesTotal) {
    if (mode === 'abort-after' && !aborting && bytesSent >= Number(argument)) {
      aborting = true
      upload.abort().then(() => {
        emit({ event: 'aborted', url: upload.url, bytesSent, bytesTotal })
        process.exit(0)
      })
    }
  },
  onSuccess() {
    emit({ event: 'success', url: upload.url, videoId })
  },
  onError(error) {
    emit({ event: 'error', message: String(error) })
    process.exitCode = 1
  },
})

if (mode === 'resume') {
  emit({ event: 'resuming', url: argument })
}
upload.start()
