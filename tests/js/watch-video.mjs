// Watches one video over Streamio's SignalR hub with the npm @microsoft/signalr client (the one browsers use) until it
// is ready: prints every update as a JSON line and exits non-zero if statuses go backwards or progress decreases.
// Usage: node tests/js/watch-video.mjs <base-url> <video-id> [timeout-seconds]
import * as signalR from '@microsoft/signalr';

const [baseUrl, videoId, timeoutSeconds = '180'] = process.argv.slice(2);
if (!baseUrl || !videoId) {
  console.error('usage: node watch-video.mjs <base-url> <video-id> [timeout-seconds]');
  process.exit(2);
}

const order = ['uploaded', 'probing', 'encoding', 'ready'];
const fail = (message) => { console.error(`FAIL: ${message}`); process.exit(1); };
const timer = setTimeout(() => fail(`video ${videoId} was not ready after ${timeoutSeconds} s`), Number(timeoutSeconds) * 1000);

const hub = new signalR.HubConnectionBuilder()
  .withUrl(new URL('/hubs/videos', baseUrl).href)
  .configureLogging(signalR.LogLevel.Warning)
  .build();

let previous = null;
hub.on('videoUpdated', async (video) => {
  if (video.id !== videoId) return;
  console.log(JSON.stringify(video));
  if (video.status === 'failed') fail(`the video failed: ${video.error}`);
  if (previous) {
    if (order.indexOf(video.status) < order.indexOf(previous.status)) fail(`status went back from ${previous.status} to ${video.status}`);
    if (video.progress < previous.progress) fail(`progress went back from ${previous.progress} to ${video.progress}`);
    for (const rendition of video.renditions) {
      const before = previous.renditions.find((other) => other.name === rendition.name);
      if (before && rendition.progress < before.progress) fail(`${rendition.name} progress went back from ${before.progress} to ${rendition.progress}`);
    }
  }
  previous = video;
  if (video.status === 'ready') {
    clearTimeout(timer);
    await hub.stop();
    process.exit(0);
  }
});
hub.on('videoDeleted', ({ id }) => id === videoId && fail('the video was deleted'));

try {
  await hub.start();
  await hub.invoke('Subscribe', videoId);
} catch (error) {
  fail(error.message);
}
