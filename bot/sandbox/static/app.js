// The sandbox's web chat: plain JavaScript, no build step, nothing from the internet.
// Every string from the service is put into the page as text (never as HTML): Telegram's
// formatting arrives as entities, which are turned into elements here.
"use strict";

const state = { people: [], current: null, outboxTimer: null, replyTo: null };
const $ = (id) => document.getElementById(id);
const DEMO_LOCATION = { latitude: 41.8372, longitude: -87.6469 }; // Bridgeport, Chicago

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `The sandbox answered ${response.status}.`);
  return body;
}

function post(path, body) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function current() { return state.people.find((p) => p.key === state.current) || null; }

// ---------------------------------------------------------------- people

async function loadPeople() {
  const body = await api("/api/people");
  state.people = body.people;
  const list = $("people");
  list.replaceChildren();
  for (const person of state.people) {
    const ways = [person.telegram_id ? "Telegram" : null, person.phone ? "text" : null].filter(Boolean).join(" + ");
    const button = el("button", { type: "button", "data-key": person.key, onclick: () => choose(person.key) },
      person.name, el("span", { class: "role" }, [person.role, ways].filter(Boolean).join(" · ")));
    if (person.key === state.current) button.setAttribute("aria-current", "true");
    list.append(el("li", {}, button));
  }
}

async function choose(key) {
  state.current = key;
  replyTo(null);
  await loadPeople();
  const person = current();
  $("chat-title").textContent = person.name;
  $("chat-sub").textContent = person.telegram_id ? `Telegram user ${person.telegram_id}` : "no Telegram: texts only";
  $("composer").hidden = !person.telegram_id;
  $("phone-pane").hidden = !person.phone;
  $("chat-error").textContent = "";
  $("sms-error").textContent = "";
  await Promise.all([loadChat(), loadPhone()]);
}

$("add-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  $("add-error").textContent = "";
  try {
    const body = await post("/api/people", {
      name: form.name.value, phone: form.phone.value, language: form.language.value, telegram: form.telegram.checked,
    });
    form.reset();
    await choose(body.person.key);
  } catch (error) {
    $("add-error").textContent = error.message;
  }
});

// ---------------------------------------------------------------- the Telegram chat

async function loadChat() {
  const person = current();
  const box = $("messages");
  if (!person || !person.telegram_id) {
    box.replaceChildren(el("p", { class: "hint" }, person ? `${person.name} does not use Telegram: their texts are on the right.` : ""));
    $("keyboard").replaceChildren();
    return;
  }
  const body = await api(`/api/chat/${person.key}`);
  if (state.current !== person.key) return;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.replaceChildren(...body.messages.map(bubble));
  if (atBottom || body.messages.length) box.scrollTop = box.scrollHeight;
  renderKeyboard(body.keyboard);
  if (body.toast) showToast(body.toast);
}

function bubble(message) {
  const node = el("div", { class: `bubble ${message.from}`, "data-id": String(message.id) });
  if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    node.append(el("img", { src: `/api/file/${encodeURIComponent(largest.file_id)}`, alt: "a picture" }));
  }
  if (message.document) {
    const name = message.document.file_name || "file";
    node.append(el("a", { class: "file", href: `/api/file/${encodeURIComponent(message.document.file_id)}?name=${encodeURIComponent(name)}`, download: name }, `📄 ${name}`));
  }
  if (message.location) node.append(`📍 ${message.location.latitude.toFixed(4)}, ${message.location.longitude.toFixed(4)}`);
  if (message.contact) node.append(`📇 ${message.contact.first_name}: ${message.contact.phone_number}`);
  const text = message.text ?? message.caption;
  if (text !== undefined) {
    const entities = message.text !== undefined ? message.entities : message.caption_entities;
    const body = el("div", { class: "text" });
    body.append(renderEntities(text, entities || []));
    node.append(body);
  }
  const keyboard = message.reply_markup && message.reply_markup.inline_keyboard;
  if (keyboard) node.append(inlineKeyboard(message.id, keyboard));
  if (message.from === "bot" && text !== undefined) {
    node.append(el("button", { type: "button", class: "reply", title: "Reply to this message", onclick: () => replyTo(message) }, "↩ Reply"));
  }
  if (message.date) {
    const when = new Date(message.date * 1000);
    node.append(el("span", { class: "time" }, when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + (message.edit_date ? " · edited" : "")));
  }
  return node;
}

// Telegram's entities count UTF-16 code units, as JavaScript strings do.
function renderEntities(text, entities) {
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  return build(text, 0, text.length, sorted);
}

function build(text, start, end, entities) {
  const fragment = document.createDocumentFragment();
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    const stop = entity.offset + entity.length;
    const inside = [];
    let next = index + 1;
    while (next < entities.length && entities[next].offset < stop) {
      if (entities[next].offset + entities[next].length <= stop) inside.push(entities[next]);
      next += 1;
    }
    if (entity.offset > position) fragment.append(text.slice(position, entity.offset));
    const node = entityNode(entity, text.slice(entity.offset, stop));
    node.append(build(text, entity.offset, stop, inside));
    fragment.append(node);
    position = Math.max(position, stop);
    index = next;
  }
  if (position < end) fragment.append(text.slice(position, end));
  return fragment;
}

function entityNode(entity, shown) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote": case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const node = el("span", { class: "spoiler", title: "spoiler" });
      node.addEventListener("click", () => node.classList.add("shown"));
      return node;
    }
    case "text_link": return safeLink(entity.url);
    case "url": return safeLink(shown.includes("://") ? shown : `https://${shown}`);
    case "bot_command": {
      const node = el("span", { class: "command", role: "link", tabindex: "0" });
      node.addEventListener("click", () => sendText(shown));
      return node;
    }
    default: return el("span");
  }
}

function safeLink(url) {
  const allowed = /^(https?:|tg:|mailto:)/i.test(url || "");
  return allowed ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }) : el("span");
}

function inlineKeyboard(messageId, rows) {
  const grid = el("div", { class: "inline-keyboard" });
  for (const row of rows) {
    const line = el("div", { class: "row" });
    for (const button of row) {
      if (button.callback_data !== undefined) {
        line.append(el("button", { type: "button", onclick: () => press(messageId, button.callback_data) }, button.text));
      } else if (button.url) {
        const link = safeLink(button.url);
        link.append(button.text);
        line.append(link);
      } else {
        line.append(el("button", { type: "button", disabled: "true" }, button.text));
      }
    }
    grid.append(line);
  }
  return grid;
}

function renderKeyboard(markup) {
  const box = $("keyboard");
  box.replaceChildren();
  if (!markup || !markup.keyboard) return;
  for (const row of markup.keyboard) {
    const line = el("div", { class: "row" });
    for (const button of row) {
      const label = typeof button === "string" ? button : button.text;
      let action = () => sendText(label);
      if (button.request_contact) action = () => act(post(`/api/chat/${state.current}/contact`, {}));
      if (button.request_location) action = () => act(post(`/api/chat/${state.current}/location`, DEMO_LOCATION));
      line.append(el("button", { type: "button", onclick: action }, label));
    }
    box.append(line);
  }
}

async function act(promise) {
  $("chat-error").textContent = "";
  try { await promise; } catch (error) { $("chat-error").textContent = error.message; }
}

function sendText(text) {
  const body = { text };
  if (state.replyTo !== null) body.reply_to = state.replyTo;
  replyTo(null);
  return act(post(`/api/chat/${state.current}/text`, body));
}

function replyTo(message) {
  state.replyTo = message ? message.id : null;
  const bar = $("replying");
  bar.hidden = !message;
  bar.firstChild.textContent = message ? `Replying to: ${(message.text ?? message.caption ?? "").slice(0, 80)}` : "";
  if (message) $("text").focus();
}
function press(messageId, data) { return act(post(`/api/chat/${state.current}/press`, { message_id: messageId, data })); }

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("text");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  await sendText(text);
});

$("cancel-reply").addEventListener("click", () => replyTo(null));

$("send-location").addEventListener("click", () => {
  const typed = prompt("Send a location: latitude, longitude", `${DEMO_LOCATION.latitude}, ${DEMO_LOCATION.longitude}`);
  if (typed === null) return;
  const [latitude, longitude] = typed.split(",").map((part) => Number(part.trim()));
  act(post(`/api/chat/${state.current}/location`, { latitude, longitude }));
});

$("photo").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const caption = $("text").value;
  $("text").value = "";
  await act(api(`/api/chat/${state.current}/photo?caption=${encodeURIComponent(caption)}`, { method: "POST", body: file }));
});

function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { toast.hidden = true; }, 3000);
}

// ---------------------------------------------------------------- the phone

async function loadPhone() {
  const person = current();
  if (!person || !person.phone) return;
  const body = await api(`/api/sms/${person.key}`);
  if (state.current !== person.key) return;
  $("phone-number").textContent = person.phone;
  $("phone-state").textContent = body.opted_out ? "This number has texted STOP: the service cannot text it until it texts START." : "";
  const box = $("texts");
  box.replaceChildren(...body.texts.map((t) => el("div", { class: `sms ${t.direction}${t.from === "carrier" ? " carrier" : ""}` }, t.body)));
  box.scrollTop = box.scrollHeight;
}

$("sms-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("sms-text");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  $("sms-error").textContent = "";
  try { await post(`/api/sms/${state.current}`, { text }); } catch (error) { $("sms-error").textContent = error.message; }
  await loadPhone();
});

// ---------------------------------------------------------------- what just happened

async function loadOutbox() {
  state.outboxTimer = null;
  const body = await api("/api/outbox").catch(() => ({ notifications: [] }));
  const rows = body.notifications.map((n) => {
    const cells = el("td");
    for (const [channel, counts] of Object.entries(n.counts)) {
      for (const [status, count] of Object.entries(counts)) {
        cells.append(el("span", { class: `state ${status}` }, `${count} ${channel} ${status}`));
      }
    }
    return el("tr", {}, el("td", {}, String(n.id)), el("td", {}, n.urgency === "urgent" ? `${n.kind} (urgent)` : n.kind), el("td", {}, n.preview), cells);
  });
  $("activity").tBodies[0].replaceChildren(...rows);
  // Deliveries still on their way (or held for later) are looked at again until they settle,
  // events or not: an outcome is recorded a moment after the message left.
  if (body.notifications.some((n) => n.done < n.total)) outboxSoon(2000);
}

// At most one reload pending; a burst of events does not keep postponing it.
function outboxSoon(delay = 250) {
  if (state.outboxTimer !== null) return;
  state.outboxTimer = setTimeout(loadOutbox, delay);
}

// ---------------------------------------------------------------- live updates

function listen() {
  const events = new EventSource("/events");
  events.onmessage = (event) => {
    const change = JSON.parse(event.data);
    const person = current();
    if (person && (change.kind === "chat" || change.kind === "toast") && change.key === person.telegram_id) loadChat();
    if (person && change.kind === "sms" && change.key === person.phone) loadPhone();
    if (change.kind === "people") loadPeople();
    outboxSoon();
  };
}

(async () => {
  await loadPeople();
  if (state.people.length) await choose(state.people[0].key);
  listen();
  loadOutbox();
})();
