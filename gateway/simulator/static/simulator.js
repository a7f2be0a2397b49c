// The web phone: places hops on the real USSD callbacks exactly as the chosen provider does (Africa's Talking:
// cumulative text; Hubtel-style: JSON, one input per hop; Freeflow: GET, one input per hop), SMS as AT posts them.
"use strict";
(function () {
  const root = document.getElementById("simulator");
  const cfg = root.dataset;
  const $ = (id) => document.getElementById(id);
  const phoneInput = $("phone-number"), answer = $("answer"), screen = $("screen");
  const send = $("send"), hangUp = $("hang-up"), state = $("session-state");
  const call = { sessionId: "", serviceCode: "", inputs: [], open: false, firstSmsId: 0, first: true, provider: "at" };
  const wires = JSON.parse(cfg.wires);

  function keyed(url, key) {
    return key ? url + "?key=" + encodeURIComponent(key) : url;
  }

  // Each provider's request for this hop, and its answer read back as { text, ended, screenId }.
  const WIRE = {
    at: {
      request: () => [keyed(wires.at.url, wires.at.key), { method: "POST", body: new URLSearchParams({
        sessionId: call.sessionId, phoneNumber: phoneInput.value.trim(), networkCode: cfg.networkCode,
        serviceCode: call.serviceCode, text: call.inputs.join("*") }) }],
      read: (response, body) => {
        if (!/^(CON|END) /.test(body)) throw new Error(body);
        return { text: body.slice(4), ended: body.startsWith("END "),
                 screenId: response.headers.get("at-ussd-hop-metadata") || "?" };
      },
    },
    hubtel: {
      request: () => [keyed(wires.hubtel.url, wires.hubtel.key), { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({
          Mobile: phoneInput.value.trim().replace(/^\+/, ""), SessionId: call.sessionId,
          ServiceCode: call.serviceCode, Type: call.first ? "Initiation" : "Response",
          Message: call.first ? call.serviceCode.slice(0, -1) + call.inputs.map((i) => "*" + i).join("") + "#"
            : call.inputs[call.inputs.length - 1],
          Operator: "simulator", Sequence: call.first ? 1 : call.inputs.length + 1, ClientState: "" }) }],
      read: (response, body) => {
        const reply = JSON.parse(body);
        return { text: reply.Message, ended: reply.Type === "Release", screenId: "-" };
      },
    },
    freeflow: {
      request: () => {
        const names = wires.freeflow.names, query = new URLSearchParams();
        query.set(names.MSISDN, phoneInput.value.trim().replace(/^\+/, ""));
        query.set(names.SessionID, call.sessionId);
        query.set(names.MSC, cfg.networkCode);
        query.set(names.input, call.first ? [call.serviceCode.replace(/[*#]/g, ""), ...call.inputs].join("*")
          : call.inputs[call.inputs.length - 1]);
        if (wires.freeflow.userid || wires.freeflow.password) {
          query.set(names.userid, wires.freeflow.userid);
          query.set(names.password, wires.freeflow.password);
        }
        return [wires.freeflow.url + "?" + query.toString(), { method: "GET" }];
      },
      read: (response, body) => {
        const flag = response.headers.get("Freeflow");
        if (flag !== "FC" && flag !== "FB") throw new Error("no Freeflow header: " + body);
        return { text: body, ended: flag === "FB", screenId: "-" };
      },
    },
  };

  // Development only: the callback key is in the page on purpose (see pages.py), never in production.
  function withKey(url) {
    return cfg.callbackKey ? url + "?key=" + encodeURIComponent(cfg.callbackKey) : url;
  }

  function randomId(prefix) {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setIdle(label) {
    call.open = false;
    send.textContent = label;
    hangUp.disabled = true;
    answer.value = call.serviceCode || cfg.serviceCode;
    answer.setAttribute("inputmode", "tel");
  }

  // *909*1*2# dials *909# with the chained answers "1*2", as the network sends them.
  function parseDial(typed) {
    const match = /^\*(\d+)((?:\*[^*#]+)*)#$/.exec(typed.trim());
    if (!match) return null;
    const chained = match[2] ? match[2].slice(1).split("*") : [];
    return { serviceCode: "*" + match[1] + "#", inputs: chained };
  }

  async function hop() {
    const wire = WIRE[call.provider];
    state.textContent = "…";
    let response;
    try {
      response = await fetch(...wire.request());
    } catch (error) {
      return showFailure("Réseau injoignable / Network unreachable");
    }
    call.first = false;
    const body = await response.text();
    if (response.status !== 200) return showFailure("HTTP " + response.status + ": " + body);
    let reply;
    try {
      reply = wire.read(response, body);
    } catch (error) {
      return showFailure("Réponse illisible / Unreadable answer: " + body.slice(0, 80));
    }
    const ended = reply.ended, text = reply.text;
    screen.textContent = text;
    $("screen-id").textContent = reply.screenId;
    state.textContent = ended ? "END: session terminée / session ended" : "CON: réponse attendue / awaiting answer";
    state.dataset.kind = ended ? "END" : "CON";
    await measure(text);
    if (ended) setIdle("Rappeler / Dial again");
    else answer.value = "";
    await showCallSms();
  }

  function showFailure(message) {
    state.textContent = message;
    state.dataset.kind = "ERROR";
    setIdle("Rappeler / Dial again");
  }

  async function measure(text) {
    const response = await fetch(cfg.measureUrl, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: text }),
    });
    const result = await response.json();
    const length = $("screen-length"), encoding = $("screen-encoding");
    length.textContent = result.length + "/" + result.limit;
    length.dataset.length = result.length;
    length.classList.toggle("too-long", result.length > result.limit);
    encoding.textContent = result.gsm7 ? "GSM-7" : "UCS-2 (hors alphabet / not in the alphabet)";
    encoding.dataset.gsm7 = result.gsm7 ? "true" : "false";
  }

  // Digits only in the query: request lines are logged, and the log mask knows "228…" but not "%2B228…".
  async function outboxRows() {
    const response = await fetch(cfg.outboxUrl + "?phone=" + phoneInput.value.replace(/\D/g, ""));
    if (response.status !== 200) return [];
    return (await response.json()).messages;
  }

  function smsItem(row) {
    const item = document.createElement("li");
    item.textContent = row.time + " · " + row.purpose + " · " + row.status + "\n" + row.text;
    return item;
  }

  async function showCallSms() {
    const rows = (await outboxRows()).filter((row) => row.id > call.firstSmsId);
    $("call-sms").replaceChildren(...rows.map(smsItem));
  }

  async function dial() {
    const dialled = parseDial(answer.value);
    if (!dialled) {
      state.textContent = "Composez un code USSD, ex. / Dial a USSD code, e.g. " + cfg.serviceCode;
      return;
    }
    const rows = await outboxRows();
    call.firstSmsId = rows.length ? rows[0].id : 0;
    call.sessionId = randomId("SIM_");
    call.provider = $("provider").value;
    call.first = true;
    call.serviceCode = dialled.serviceCode;
    call.inputs = dialled.inputs;
    call.open = true;
    send.textContent = "Envoyer / Send";
    hangUp.disabled = false;
    answer.setAttribute("inputmode", "numeric");
    await hop();
  }

  async function answerScreen() {
    call.inputs.push(answer.value.trim());
    await hop();
  }

  // data-busy is "true" from a click until its screen, measure and SMS are all shown (tests wait on it).
  async function busy(work) {
    if (root.dataset.busy === "true") return;  // one hop at a time, as on a handset
    root.dataset.busy = "true";
    try { await work(); } finally { root.dataset.busy = "false"; }
  }

  send.addEventListener("click", () => busy(call.open ? answerScreen : dial));
  answer.addEventListener("keydown", (event) => {
    if (event.key === "Enter") send.click();
  });
  hangUp.addEventListener("click", () => {
    state.textContent = "Raccroché / Hung up";
    state.dataset.kind = "HUNG_UP";
    setIdle("Appeler / Call");
  });
  $("provider").addEventListener("change", () => { if (call.open) hangUp.click(); });
  $("erase").addEventListener("click", () => { answer.value = answer.value.slice(0, -1); });
  document.querySelectorAll(".key").forEach((key) => key.addEventListener("click", () => {
    answer.value += key.dataset.key;
  }));

  document.querySelectorAll(".identity").forEach((button) => button.addEventListener("click", () => {
    phoneInput.value = button.dataset.phone;
    document.querySelectorAll(".identity").forEach((other) => other.classList.toggle("chosen", other === button));
    $("pin-hint").textContent = button.dataset.pin
      ? "PIN de démonstration / Demo PIN: " + button.dataset.pin : "Aucun PIN / No PIN";
    if (call.open) hangUp.click();
    refreshOutbox();
  }));

  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    document.querySelectorAll(".tab").forEach((other) => {
      const chosen = other === tab;
      other.classList.toggle("active", chosen);
      other.setAttribute("aria-selected", chosen ? "true" : "false");
      $(other.dataset.panel).hidden = !chosen;
    });
    if (tab.id === "tab-sms") refreshOutbox();
  }));

  async function refreshOutbox() {
    const rows = await outboxRows();
    const body = $("outbox").tBodies[0];
    body.replaceChildren(...rows.map((row) => {
      const line = document.createElement("tr");
      line.dataset.id = row.id;
      for (const value of [row.time, row.purpose, row.status, row.text]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        line.appendChild(cell);
      }
      return line;
    }));
    return rows;
  }

  $("outbox-refresh").addEventListener("click", refreshOutbox);
  $("sms-send").addEventListener("click", () => busy(async () => {
    const before = await outboxRows();
    const newestId = before.length ? before[0].id : 0;
    const form = new URLSearchParams({
      from: phoneInput.value.trim(), to: cfg.shortCode, text: $("sms-text").value, id: randomId("SIM-"),
      date: new Date().toISOString().slice(0, 19) + "Z", linkId: "", networkCode: cfg.networkCode,
    });
    const response = await fetch(withKey(cfg.smsUrl), { method: "POST", body: form });
    $("sms-status").textContent = "HTTP " + response.status + " " + (await response.text());
    const rows = await refreshOutbox();
    const replies = rows.filter((row) => row.id > newestId);
    $("sms-reply").replaceChildren(...(replies.length ? replies.map(smsItem)
      : [Object.assign(document.createElement("li"), { textContent: "Aucune réponse / No reply" })]));
  }));
})();
