// The Likeness console: everything shown comes from the server-sent feed of the mesh's topics (/api/events);
// forms publish requests (/api/identify, /api/enrol, /api/verify, /api/style) and wait for nothing: their
// results arrive on the feed like anyone else's. "What the networks learn" lists atlases (/api/insight/atlases) and
// polls for its insight requests' results (/api/insight/results/ID).
'use strict';

const MAX_CARDS = 40;
const requests = new Map();   // request id -> {image, faces, match, card}
const gallery = new Map();    // identity id -> identity view
const styleJobs = new Map();  // request id -> {request, progress, result}
let trackedStyle = null;      // the style request the style panel shows
let ownStyle = null;          // the last one this page submitted
let ownVerify = null;

const $ = id => document.getElementById(id);
const fmt = (x, digits = 2) => (typeof x === 'number' ? x.toFixed(digits) : '?');
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key === 'class' || key === 'href' || key === 'src' || key === 'alt' || key === 'type' || key === 'value') node.setAttribute(key, value);
    else node[key] = value;
  }
  children.forEach(child => node.append(child));
  return node;
};

function connect() {
  const source = new EventSource('/api/events');
  source.onopen = () => setConnection('live', 'live');
  source.onerror = () => setConnection('lost', 'reconnecting…');
  source.onmessage = message => handle(JSON.parse(message.data));
}

function setConnection(state, text) {
  $('connection').dataset.state = state;
  $('connection').textContent = text;
}

function handle(event) {
  switch (event.type) {
    case 'image': case 'faces': case 'match': return onRequestEvent(event);
    case 'identity': return showIdentity(event);
    case 'identity-deleted': return removeIdentity(event.identityId);
    case 'style-request': case 'style-progress': case 'style-result': return onStyleEvent(event);
    case 'dead-letter': case 'unreadable': return addDeadLetter(event);
  }
}

// ---- recognitions, enrolments, verifications ----

function onRequestEvent(event) {
  const entry = requests.get(event.requestId) || {};
  entry[event.type] = event;
  requests.set(event.requestId, entry);
  renderCard(event.requestId, entry);
  if (event.type === 'match' && event.requestId === ownVerify) showVerification(event);
}

function renderCard(requestId, entry) {
  const purpose = (entry.image || entry.faces || {}).purpose || (entry.match ? entry.match.outcome : '');
  if (purpose === 'detect_only' && !entry.image) return;
  const card = el('div', {class: 'card', 'data-request-id': requestId, 'data-purpose': purpose});
  card.append(el('div', {class: 'meta', text: `${purpose} · ${requestId}` +
      (entry.image && entry.image.submittedAt ? ` · ${new Date(entry.image.submittedAt).toLocaleTimeString()}` : '')}));
  const picture = el('div', {class: 'picture'});
  if (entry.image && entry.image.imageUrl) {
    const img = el('img', {src: entry.image.imageUrl, alt: requestId});
    img.onerror = () => img.replaceWith(el('div', {class: 'meta', text: 'not a picture this browser can show'}));
    picture.append(img);
  } else {
    picture.append(el('div', {class: 'meta', text: 'picture not in the recent history'}));
  }
  if (entry.faces && entry.faces.width) boxes(entry).forEach(box => picture.append(drawBox(box, entry.faces)));
  if (entry.image && entry.image.secondImageUrl) {
    card.append(el('div', {class: 'pair'}, picture, el('img', {src: entry.image.secondImageUrl, alt: 'second image'})));
  } else {
    card.append(picture);
  }
  card.append(el('div', {class: 'outcome', text: outcomeText(entry)}));
  const old = entry.card;
  if (old && old.isConnected) old.replaceWith(card);
  else {
    $('feed').prepend(card);
    while ($('feed').children.length > MAX_CARDS) $('feed').lastChild.remove();
  }
  entry.card = card;
}

// The faces to draw: recognised faces with their candidates, else the detected faces.
function boxes(entry) {
  const match = entry.match;
  if (match && match.outcome === 'recognition') {
    return match.faces.map(face => {
      const best = face.candidates[0];
      const seen = attributes(entry, face.faceIndex);
      if (face.unknown || !best) {
        return {box: face.box, state: 'unknown', subject: face.subject, label: (best ? `unknown (nearest ${best.displayName || best.identityId}, d=${fmt(best.distance)})` : 'unknown') + seen};
      }
      return {box: face.box, state: 'known', subject: face.subject, label: `${best.displayName || best.identityId} d=${fmt(best.distance)} p=${fmt(best.probability)}` + seen};
    });
  }
  if (match && match.outcome === 'enrolment') {
    return [{box: match.box, state: 'known', label: `enrolled as ${match.displayName || match.identityId}`}];
  }
  return entry.faces.faces.map((face, i) => ({box: face.box, state: 'pending', subject: i === entry.faces.subjectFace, label: `face ${i + 1} (${fmt(face.score)})` + attributes(entry, i)}));
}

// The face analyses the request asked for (age, gender, emotion, liveness: docs/analysis.md), for the box's label.
function attributes(entry, index) {
  const face = entry.faces && entry.faces.faces[index];
  return face && face.attributes && face.attributes.length ? ` · ${face.attributes.join(' · ')}` : '';
}

function drawBox(face, faces) {
  const [x1, y1, x2, y2] = face.box;
  // The subject (the face enrol and verify use unless one is named) is drawn thicker.
  const box = el('div', {class: `box ${face.state}${face.subject ? ' subject' : ''}`, title: face.subject ? 'the photo\'s subject' : ''});
  Object.assign(box.style, {
    left: `${100 * x1 / faces.width}%`, top: `${100 * y1 / faces.height}%`,
    width: `${100 * (x2 - x1) / faces.width}%`, height: `${100 * (y2 - y1) / faces.height}%`,
  });
  box.append(el('span', {class: 'label', text: face.label}));
  return box;
}

function outcomeText(entry) {
  const match = entry.match;
  if (!match) {
    if (entry.faces) return `${entry.faces.faces.length} face(s) found; waiting for matching…`;
    return 'waiting for the embedding service…';
  }
  switch (match.outcome) {
    case 'recognition': {
      const known = match.faces.filter(face => !face.unknown).length;
      return `${match.faces.length} face(s): ${known} recognised, ${match.faces.length - known} unknown (threshold ${fmt(match.threshold, 3)})`;
    }
    case 'enrolment': return `enrolled ${match.identityId}${match.created ? ' (new identity)' : ''}: ${match.embeddingCount} reference embedding(s)`;
    case 'verification': return verificationText(match);
    case 'error': return `refused: ${match.error.code}: ${match.error.message}`;
  }
  return match.outcome;
}

function verificationText(match) {
  return `${match.same ? 'same person' : 'different people'}: d=${fmt(match.distance, 3)} (threshold ${fmt(match.threshold, 3)}), p=${fmt(match.probability, 3)}`;
}

function showVerification(match) {
  const target = $('verify-result');
  target.className = 'message';
  if (match.outcome === 'verification') {
    const why = el('button', {id: 'verify-explain', type: 'button', text: 'why? (saliency)',
      onclick: () => explainVerification(match.requestId || ownVerify)});
    target.replaceChildren(el('span', {class: match.same ? 'same' : 'different', text: verificationText(match)}), ' ', why);
  } else if (match.outcome === 'error') {
    target.className = 'message error';
    target.textContent = `${match.error.code}: ${match.error.message}`;
  }
}

// ---- gallery ----

// Rows are kept per identity: a change replaces only that identity's row (another row being edited stays).
function showIdentity(identity) {
  gallery.set(identity.identityId, identity);
  const name = el('input', {type: 'text', value: identity.displayName || '', class: 'rename-input'});
  const rename = el('button', {class: 'rename', text: 'rename', onclick: () => renameIdentity(identity.identityId, name.value)});
  const remove = el('button', {class: 'delete', text: 'delete', onclick: () => deleteIdentity(identity.identityId)});
  const row = el('tr', {'data-identity-id': identity.identityId},
    el('td', {text: identity.identityId}), el('td', {}, name),
    el('td', {text: String(identity.embeddings), title: identity.models.join(', ')}), el('td', {}, rename, remove));
  const existing = identityRow(identity.identityId);
  if (existing) {
    existing.replaceWith(row);
  } else {
    const body = $('gallery').querySelector('tbody');
    const next = [...body.children].find(other => other.dataset.identityId > identity.identityId);
    body.insertBefore(row, next || null);
  }
  $('gallery-count').textContent = gallery.size;
}

function removeIdentity(identityId) {
  gallery.delete(identityId);
  const row = identityRow(identityId);
  if (row) row.remove();
  $('gallery-count').textContent = gallery.size;
}

function identityRow(identityId) {
  return $('gallery').querySelector(`tbody tr[data-identity-id="${CSS.escape(identityId)}"]`);
}

async function renameIdentity(identityId, displayName) {
  await call(`/api/gallery/${encodeURIComponent(identityId)}`, {method: 'PATCH',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({displayName})}, 'gallery-message',
    `renamed ${identityId}; the gallery topic will show it`);
}

async function deleteIdentity(identityId) {
  await call(`/api/gallery/${encodeURIComponent(identityId)}`, {method: 'DELETE'}, 'gallery-message',
    `deleted ${identityId} (a tombstone on the gallery topic)`);
}

// ---- style transfer ----

function onStyleEvent(event) {
  const job = styleJobs.get(event.requestId) || {};
  job[event.type.replace('style-', '')] = event;
  styleJobs.set(event.requestId, job);
  if (event.type === 'style-request' && ownStyle === null) trackedStyle = event.requestId;
  if (event.requestId === trackedStyle) renderStyle(job);
}

function renderStyle(job) {
  $('style-job').hidden = false;
  $('style-job').dataset.requestId = trackedStyle;
  const bar = $('style-progress');
  const status = $('style-status');
  if (job.progress) {
    bar.max = job.progress.totalIterations;
    bar.value = job.progress.iteration;
    const frame = job.progress.frames ? `frame ${job.progress.frame + 1}/${job.progress.frames}, ` : '';
    status.textContent = `${frame}iteration ${job.progress.iteration}/${job.progress.totalIterations}, J=${job.progress.cost.toExponential(3)}, ` +
      `${(job.progress.elapsedMs / 1000).toFixed(1)} s, about ${(job.progress.etaMs / 1000).toFixed(0)} s to go`;
    if (job.progress.preview) $('style-preview').src = job.progress.preview;
  } else {
    bar.removeAttribute('value');
    status.textContent = 'queued…';
  }
  const result = job.result;
  if (result) {
    if (result.error) {
      status.textContent = `failed: ${result.error.code}: ${result.error.message}`;
      return;
    }
    bar.max = Math.max(result.iterations, 1);
    bar.value = bar.max;
    const sound = (result.contentType || '').startsWith('audio/');
    // A sound's width and height are its spectrogram's frames and bins: say its duration instead.
    const what = sound ? `${(result.durationMs / 1000).toFixed(1)} s of sound`
      : result.frames ? `${result.frames} frames of ${result.width}x${result.height}` : `${result.width}x${result.height}`;
    status.textContent = `done: ${what}, ${result.iterations} iterations in ${(result.elapsedMs / 1000).toFixed(1)} s, J=${result.finalCost.toExponential(3)}`;
    if (result.resultUrl) {
      // A clip's GIF plays in the <img>; a sound plays in the <audio> (the preview keeps its spectrograms).
      if (sound) $('style-audio').src = result.resultUrl;
      else $('style-preview').src = result.resultUrl;
      $('style-audio').hidden = !sound;
      const link = $('style-download');
      link.href = result.resultUrl;
      link.download = `${result.requestId}.${(result.contentType || 'image/png').split('/')[1]}`;
      link.hidden = false;
    } else if (result.resultUri) {
      status.textContent += ` (written to ${result.resultUri})`;
    }
  }
}

// ---- dead letters ----

function addDeadLetter(event) {
  const row = event.type === 'unreadable'
    ? el('tr', {'data-request-id': ''}, el('td', {text: 'console'}),
        el('td', {text: `unreadable record ${event.topic}-${event.partition}@${event.offset}: ${event.reason}`}), el('td'))
    : el('tr', {'data-request-id': event.requestId || ''}, el('td', {text: event.service}),
        el('td', {}, el('b', {text: event.reasonCode}), ` ${event.reason}`),
        el('td', {text: `${event.requestId || '?'} (${event.sourceTopic}-${event.sourcePartition}@${event.sourceOffset})`}));
  $('dead-letters').querySelector('tbody').prepend(row);
  $('dead-letter-count').textContent = $('dead-letters').querySelectorAll('tbody tr').length;
  const entry = event.requestId && requests.get(event.requestId);
  if (entry && entry.card) entry.card.querySelector('.outcome').textContent = `dead letter: ${event.reasonCode}: ${event.reason}`;
}

// ---- forms ----

async function call(url, options, messageId, okText) {
  const message = $(messageId);
  message.className = 'message';
  try {
    const response = await fetch(url, options);
    const text = await response.text();
    const body = text ? JSON.parse(text) : {};
    if (!response.ok) throw new Error(body.error || body.detail || body.title || `HTTP ${response.status}`);
    message.textContent = typeof okText === 'function' ? okText(body) : okText;
    return body;
  } catch (e) {
    message.className = 'message error';
    message.textContent = e.message;
    return null;
  }
}

function submitForm(formId, url, messageId, onAccepted) {
  $(formId).addEventListener('submit', async e => {
    e.preventDefault();
    const body = await call(url, {method: 'POST', body: new FormData(e.target)}, messageId,
      accepted => `published request ${accepted.requestId}`);
    if (body) onAccepted(body.requestId);
  });
}

submitForm('identify-form', '/api/identify', 'identify-message', () => {});
submitForm('enrol-form', '/api/enrol', 'gallery-message', () => {});
submitForm('verify-form', '/api/verify', 'verify-result', requestId => {
  ownVerify = requestId;
  // The answer may come through the feed before the POST's reply does.
  const answered = (requests.get(requestId) || {}).match;
  if (answered) showVerification(answered);
});
submitForm('style-form', '/api/style', 'style-message', requestId => {
  ownStyle = trackedStyle = requestId;
  $('style-download').hidden = true;
  $('style-preview').removeAttribute('src');
  $('style-audio').hidden = true;
  $('style-audio').removeAttribute('src');
  renderStyle(styleJobs.get(requestId) || {});
});

// ---- what the networks learn ----

let atlasIndex = null;   // index.json of the atlas shown

async function loadAtlases() {
  const atlases = await call('/api/insight/atlases', {}, 'atlas-message', list => list.length ? '' : 'no atlas yet');
  if (!atlases) return;
  const chosen = $('atlas-name').value;
  $('atlas-name').replaceChildren(...atlases.map(atlas => el('option', {value: atlas.name,
    text: `${atlas.name} (${atlas.network}, ${atlas.photos} ${atlas.network === 'resnet50' ? 'photos' : 'faces'})`})));
  if (atlases.some(atlas => atlas.name === chosen)) $('atlas-name').value = chosen;
  if (atlases.length) showAtlas();
}

async function showAtlas() {
  const name = $('atlas-name').value;
  const index = await call(`/api/insight/atlases/${encodeURIComponent(name)}/index.json`, {}, 'atlas-message', '');
  if (!index) return;
  atlasIndex = {name, ...index};
  const chosen = $('atlas-layer').value;
  $('atlas-layer').replaceChildren(...index.layers.map(layer => el('option', {value: layer.layer, text: layer.layer})));
  if (index.layers.some(layer => layer.layer === chosen)) $('atlas-layer').value = chosen;
  showLayer();
}

function currentLayer() {
  return atlasIndex && atlasIndex.layers.find(layer => layer.layer === $('atlas-layer').value);
}

function showLayer() {
  const layer = currentLayer();
  if (!layer) return;
  $('atlas-unit').hidden = true;
  $('atlas-grid-image').src = `/api/insight/atlases/${encodeURIComponent(atlasIndex.name)}/${encodeURIComponent(layer.grid)}`;
}

// A click on the grid picks the unit whose 3x3 block is under it (the picture may be shown scaled).
function pickUnit(event) {
  const layer = currentLayer();
  const image = $('atlas-grid-image');
  const scale = image.naturalWidth / image.clientWidth;
  const column = Math.floor(event.offsetX * scale / layer.block);
  const row = Math.floor(event.offsetY * scale / layer.block);
  const unit = row * layer.unitsPerRow + column;
  if (column < layer.unitsPerRow && unit < layer.units.length) showUnit(layer, unit);
}

function showUnit(layer, unit) {
  const side = 3 * layer.cell + 2 * layer.patchGap;
  const canvas = $('atlas-unit-patches');
  canvas.width = canvas.height = side;
  canvas.getContext('2d').drawImage($('atlas-grid-image'),
    unit % layer.unitsPerRow * layer.block, Math.floor(unit / layer.unitsPerRow) * layer.block, side, side, 0, 0, side, side);
  $('atlas-unit-title').textContent = `${layer.layer}, unit ${unit}: its nine strongest patches`;
  $('atlas-unit-hits').replaceChildren(...layer.units[unit].hits.map(hit =>
    el('li', {text: `${hit.image} (${hit.row}, ${hit.column}): ${fmt(hit.activation)}`})));
  $('atlas-unit').dataset.unit = unit;
  $('atlas-unit').hidden = false;
}

// Polls for an insight request's result; the service may take a while (it builds its graph per request).
async function awaitInsight(requestId, messageId) {
  for (let tries = 0; tries < 600; tries++) {
    const response = await fetch(`/api/insight/results/${requestId}`);
    if (response.ok) return response.json();
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  $(messageId).className = 'message error';
  $(messageId).textContent = `no result for ${requestId} yet; see the dead letters`;
  return null;
}

function insightPictures(result) {
  return result.files.filter(file => file.endsWith('.png')).map(file =>
    el('img', {src: `/api/insight/results/${result.requestId}/${encodeURIComponent(file)}`, alt: file, title: file}));
}

async function explainVerification(verification) {
  const accepted = await call(`/api/insight/explain/${encodeURIComponent(verification)}`, {method: 'POST'},
    'verify-result', body => `explaining: published request ${body.requestId}`);
  if (!accepted) return;
  const result = await awaitInsight(accepted.requestId, 'verify-result');
  if (!result) return;
  $('explain-result').replaceChildren(
    el('div', {class: 'message', text: `${result.embedding}: d = ${fmt(result.distance, 3)}; face A, its saliency, face B, its saliency (where d changes most)`}),
    ...insightPictures(result));
}

$('atlas-name').addEventListener('change', showAtlas);
$('atlas-layer').addEventListener('change', showLayer);
$('atlas-refresh').addEventListener('click', loadAtlases);
$('atlas-grid-image').addEventListener('click', pickUnit);
submitForm('atlas-request-form', '/api/insight/atlases', 'atlas-request-message', async requestId => {
  const result = await awaitInsight(requestId, 'atlas-request-message');
  if (!result) return;
  $('atlas-request-message').textContent = `atlas ${requestId} built`;
  await loadAtlases();
});
submitForm('maps-form', '/api/insight/maps', 'maps-message', async requestId => {
  $('maps-result').replaceChildren();
  const result = await awaitInsight(requestId, 'maps-message');
  if (result) $('maps-result').replaceChildren(...insightPictures(result));
});

loadAtlases();
connect();
