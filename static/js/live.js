/*
 * Live interview: only what htmx cannot do. htmx carries every request: scoring and moving
 * (hx-post, hx-get) and the notes, which their form posts itself (hx-post; hx-trigger "input
 * delay:800ms" autosaves, "submit" is the Save button). This script hooks htmx's events on the
 * notes' requests for what htmx has no notion of:
 *  - a backup of unsaved notes in localStorage, until the server says it has them (the
 *    notesSaved event), restored on load;
 *  - retry with backoff when the network or the server fails;
 *  - a 409 (newer notes saved elsewhere) or a 422 stops the sending of that text and keeps it;
 *    leaving with unsaved notes warns;
 * and for what no request does: the keyboard map (1-4 score, s skips, n/p and arrows move;
 * never while typing), the session clock with the pace hint, and the seconds spent on each
 * question, sent with sendBeacon when the page is hidden or left (a request that outlives it).
 */
(function () {
  "use strict";
  if (window.interviewLive) return; // htmx may run this script again after a history restore

  var DEBOUNCE_MS = 800; // as the notes form's hx-trigger
  var FIRST_RETRY_MS = 1000;
  var MAX_RETRY_MS = 30000;
  var MAX_SECONDS = 3600;
  var STORE_PREFIX = "interview-kit:notes:";

  // Helpers ------------------------------------------------------------------------------------

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["x-csrftoken"]) return headers["x-csrftoken"];
    } catch (e) { /* fall through to the form field */ }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function readStore(key) {
    try { return JSON.parse(window.localStorage.getItem(key)); } catch (e) { return null; }
  }
  function writeStore(key, value) {
    if (window.interviewKitLoggingOut) return; // logout.js has just cleared the drafts
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or off */ }
  }
  function dropStore(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* off */ }
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function isTyping(el) {
    if (!el || el === document.body) return false;
    return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  // Notes: backup, retry, conflict -------------------------------------------------------------
  // One entry per question, kept while the page lives, whether or not its form is shown.
  // state: saved | pending | saving | error (retrying) | conflict (409) | refused (422, 404)

  var notes = new Map();
  var allowLeave = false;

  function statusEl() { return document.getElementById("save-status"); }

  function renderStatus() {
    var el = statusEl();
    if (!el) return;
    var worst = null;
    var rank = { conflict: 5, refused: 4, error: 3, saving: 2, pending: 2, saved: 1 };
    // Only notes the interviewer typed in speak: a question merely looked at is "saved" and
    // untouched, and must not mask (by winning a tie) the state of the notes being typed.
    notes.forEach(function (entry) {
      if (!entry.touched) return;
      if (!worst || rank[entry.state] > rank[worst.state]) worst = entry;
    });
    if (!worst) return;
    var text = {
      saved: "Saved",
      pending: "Saving…",
      saving: "Saving…",
      error: "Not saved — retrying",
      conflict: "Not saved — newer notes exist for question " + worst.position,
      refused: "Not saved — " + (worst.message || "the server refused the notes") +
        " (kept in this browser)",
    }[worst.state];
    if (el.textContent !== text) el.textContent = text;
    el.dataset.state = worst.state === "pending" ? "saving" : worst.state;
  }

  function backup(entry) {
    if (entry.text === entry.savedText) {
      dropStore(entry.key);
    } else {
      writeStore(entry.key, { text: entry.text, base: entry.version, at: Date.now() });
    }
  }

  // Ask htmx to save the notes now. While the question is shown its form posts itself; a
  // question moved away from (its form gone) posts the text kept here, from the status line.
  function send(entry) {
    clearTimeout(entry.timer);
    clearTimeout(entry.retryTimer);
    entry.timer = entry.retryTimer = null;
    if (entry.form.isConnected) {
      htmx.trigger(entry.form, "submit");
      return;
    }
    var values = { notes: entry.text, version: String(entry.version) };
    var sent = htmx.ajax("POST", entry.url, { source: statusEl(), swap: "none", values: values });
    if (sent && sent.catch) sent.catch(function () { /* handled in afterRequest */ });
  }

  function schedule(entry, delay) {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(function () { entry.timer = null; send(entry); }, delay);
  }

  function retry(entry) {
    entry.state = "error";
    entry.retryMs = Math.min(entry.retryMs ? entry.retryMs * 2 : FIRST_RETRY_MS, MAX_RETRY_MS);
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(function () { entry.retryTimer = null; send(entry); }, entry.retryMs);
  }

  // htmx:beforeRequest: send only what the server does not have, one request at a time.
  function beforeRequest(entry, event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var typed = trigger && trigger.type === "input";
    if (entry.inflight || entry.state === "conflict" || entry.state === "refused" ||
      (typed && entry.state === "error")) {
      event.preventDefault(); // refused: kept, not sent; retrying: the retry sends the newest
      return;
    }
    if (entry.text === entry.savedText) {
      event.preventDefault();
      entry.state = "saved";
      dropStore(entry.key);
      renderStatus();
      return;
    }
    // A failed save is handled here (kept, retried): not an error for htmx to log.
    event.detail.error = null;
    entry.inflight = true;
    entry.sending = entry.text;
    entry.savedVersion = null;
    entry.state = "saving";
    renderStatus();
  }

  // notesSaved (the server's HX-Trigger): the text sent is safe, at this version.
  function onSaved(entry, event) {
    if (String(event.detail.item) === entry.item) entry.savedVersion = event.detail.version;
  }

  // htmx:beforeSwap: every answer is handled here, none is an error; only the notes' own
  // fragments are shown (a login page after the session ended is not).
  function beforeSwap(entry, event) {
    event.detail.isError = false;
    if (event.detail.xhr.status === 200 && entry.savedVersion === null) {
      event.detail.shouldSwap = false;
    }
  }

  // htmx:afterRequest (also after a network failure): saved, conflict, refused or retry.
  function afterRequest(entry, event) {
    if (!entry.inflight) return;
    entry.inflight = false;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var sent = entry.sending;
    if (status === 200 && entry.savedVersion !== null) {
      entry.version = entry.savedVersion;
      entry.savedText = sent;
      entry.retryMs = 0;
      if (entry.text === sent) {
        entry.state = "saved";
        dropStore(entry.key);
      } else {
        entry.state = "pending"; // typed while the save was on its way
        backup(entry);
        schedule(entry, DEBOUNCE_MS);
      }
    } else if (status === 409) {
      entry.state = "conflict"; // refused, nothing overwritten: keep the text, stop sending it
      backup(entry);
    } else if (status === 422 || status === 404) {
      var template = document.createElement("template");
      template.innerHTML = xhr.responseText;
      var error = template.content.querySelector("[role=alert]");
      entry.state = "refused";
      entry.message = error ? error.textContent.trim() : "status " + status;
      backup(entry);
    } else {
      retry(entry); // no network, 5xx, 403 or a login page (session ended): try again later
    }
    renderStatus();
  }

  function hook(target, entryOf) {
    function on(name, handler) {
      target.addEventListener(name, function (event) {
        var entry = entryOf(event);
        if (entry) handler(entry, event);
      });
    }
    on("htmx:beforeRequest", beforeRequest);
    on("notesSaved", onSaved);
    on("htmx:beforeSwap", beforeSwap);
    on("htmx:afterRequest", afterRequest);
  }

  function onInput(entry, value) {
    entry.text = value;
    entry.touched = true;
    backup(entry);
    if (entry.state === "conflict" || entry.state === "refused" || entry.state === "error") {
      renderStatus(); // kept locally; a retry (error) sends the newest text
      return;
    }
    entry.state = "pending"; // htmx posts the form once the typing pauses
    renderStatus();
  }

  function flushNotes() {
    notes.forEach(function (entry) {
      if (entry.state === "pending") send(entry);
    });
  }

  function showStaleDraft(form, key) {
    var box = form.querySelector("[data-stale-draft]");
    var stale = readStore(key + ":stale");
    if (!box || !stale) return;
    box.querySelector("textarea").value = stale.text;
    box.hidden = false;
    box.querySelector("[data-discard-draft]").addEventListener("click", function () {
      dropStore(key + ":stale");
      box.hidden = true;
    });
  }

  function bindNotes(textarea) {
    if (textarea.dataset.bound) return;
    textarea.dataset.bound = "1";
    var form = textarea.form;
    var versionInput = form.querySelector("input[name=version]");
    var focus = document.getElementById("focus");
    var item = textarea.dataset.item;
    var key = STORE_PREFIX + textarea.dataset.interview + ":" + item;
    var serverText = textarea.value;
    var serverVersion = parseInt(versionInput.value, 10) || 0;
    var entry = notes.get(item);
    var local;
    if (entry) {
      // Seen before on this page: only text the server does not have yet counts.
      local = entry.text !== entry.savedText || entry.inflight
        ? { text: entry.text, base: entry.version } : null;
    } else {
      local = readStore(key);
      entry = {
        item: item, key: key, url: form.getAttribute("hx-post"), state: "saved", retryMs: 0,
        position: focus ? focus.dataset.position : "", touched: false, savedText: serverText,
      };
      notes.set(item, entry);
    }
    entry.form = form;
    var inflight = entry.inflight;
    if (!local || local.text === serverText) {
      entry.text = entry.savedText = serverText;
      entry.version = serverVersion;
      if (!inflight) { entry.state = "saved"; dropStore(key); }
    } else if (inflight || local.base >= serverVersion) {
      // The server has nothing newer than what this text was written on: put it back, send it.
      textarea.value = local.text;
      entry.text = local.text;
      entry.version = Math.max(local.base, serverVersion);
      versionInput.value = String(entry.version);
      entry.touched = true;
      if (!inflight && entry.state !== "conflict" && entry.state !== "refused") {
        entry.state = "pending";
        backup(entry);
        schedule(entry, 0);
      }
    } else {
      // Newer notes were saved elsewhere since this text was written: show both, send neither.
      writeStore(key + ":stale", { text: local.text, base: local.base, at: Date.now() });
      dropStore(key);
      clearTimeout(entry.timer);
      clearTimeout(entry.retryTimer);
      entry.text = entry.savedText = serverText;
      entry.version = serverVersion;
      entry.state = "saved";
    }
    showStaleDraft(form, key);

    textarea.addEventListener("input", function () { onInput(entry, textarea.value); });
    form.addEventListener("submit", function () {
      entry.touched = true; // the Save button: htmx posts, the status speaks
      renderStatus();
    });
    // On the form itself: its requests still answer here after a move swapped it out.
    hook(form, function () { return entry; });
    renderStatus();
  }

  window.addEventListener("beforeunload", function (event) {
    if (allowLeave) return;
    var unsaved = false;
    notes.forEach(function (entry) {
      if (entry.text !== entry.savedText || entry.inflight) unsaved = true;
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("online", function () {
    notes.forEach(function (entry) { if (entry.state === "error") send(entry); });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-load-newer]")) allowLeave = true;
  });

  // Time per question --------------------------------------------------------------------------

  var timing = { item: null, url: null, since: null };

  function sendTime(url, seconds) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("seconds", String(seconds));
    if (navigator.sendBeacon && navigator.sendBeacon(url, data)) return;
    fetch(url, { method: "POST", body: data, keepalive: true, credentials: "same-origin" })
      .catch(function () { /* lost seconds are not worth bothering the interviewer */ });
  }

  function flushTime() {
    if (!timing.url || timing.since === null) return;
    var seconds = Math.round((Date.now() - timing.since) / 1000);
    timing.since = Date.now();
    if (seconds >= 1) sendTime(timing.url, Math.min(seconds, MAX_SECONDS));
  }

  function trackFocus() {
    var focus = document.getElementById("focus");
    var item = focus && focus.dataset.timeUrl ? focus.dataset.item : null;
    if (item === timing.item) return false;
    flushTime();
    timing.item = item;
    timing.url = item ? focus.dataset.timeUrl : null;
    timing.since = item && document.visibilityState === "visible" ? Date.now() : null;
    return true;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flushTime();
      timing.since = null;
      flushNotes();
    } else if (timing.url) {
      timing.since = Date.now();
    }
  });
  window.addEventListener("pagehide", function () {
    flushTime();
    timing.since = null;
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && timing.url) timing.since = Date.now();
  });

  // Session clock and pace hint ----------------------------------------------------------------
  // The pace rule is the server's (interviews/pace.py). #progress, sent again with every score
  // and move, carries data-behind-after: the elapsed second after which the interview runs
  // behind with the work done so far (empty: it cannot). The clock only compares itself to that
  // second, so the hint shows on time with no request; it words it as the server does, with
  // the minutes left to the planned length.

  var clock = { base: 0, loadedAt: Date.now(), interval: null };

  function formatElapsed(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return (minutes < 10 ? "0" : "") + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var timer = document.getElementById("session-timer");
    if (!timer) return;
    var elapsed = clock.base + Math.floor((Date.now() - clock.loadedAt) / 1000);
    timer.textContent = formatElapsed(elapsed);
    timer.setAttribute("datetime", "PT" + elapsed + "S");
    updatePace(elapsed, parseInt(timer.dataset.plannedMinutes, 10) || 0);
  }

  function updatePace(elapsed, plannedMinutes) {
    var progress = document.getElementById("progress");
    var hint = document.getElementById("pace-hint");
    if (!progress || !hint) return;
    var after = progress.dataset.behindAfter;
    var behind = Boolean(after) && elapsed > parseInt(after, 10);
    var text = "";
    if (behind) {
      var minutesLeft = Math.max(0, Math.floor((plannedMinutes * 60 - elapsed) / 60));
      var left = parseInt(progress.dataset.questionsLeft, 10) || 0;
      text = "Running behind plan: " + plural(left, "question") + " left, " +
        plural(minutesLeft, "minute") + " left";
    }
    if (hint.textContent !== text) hint.textContent = text;
    hint.hidden = !behind;
  }

  function startClock() {
    var timer = document.getElementById("session-timer");
    if (!timer || clock.interval) return;
    clock.base = parseInt(timer.dataset.elapsed, 10) || 0;
    clock.loadedAt = Date.now();
    clock.interval = setInterval(tick, 1000);
  }

  // Keyboard shortcuts -------------------------------------------------------------------------
  // A key pressed in the ~20 ms between htmx swapping a question in and wiring it up (when the
  // swap settles) would click a control htmx does not handle yet: a link would load the whole
  // page, dropping the keys pressed while it loads. Such a key waits for the settle instead.

  var SETTLING = ".htmx-added, .htmx-swapping, .htmx-settling";
  var waitingKey = null;

  function shortcutControl(key) {
    var focus = document.getElementById("focus");
    if (!focus || !focus.dataset.item) return null;
    var item = focus.dataset.item;
    switch (key) {
      case "n": case "ArrowRight": return focus.querySelector("[data-shortcut=next]");
      case "p": case "ArrowLeft": return focus.querySelector("[data-shortcut=prev]");
      case "1": case "2": case "3": case "4":
        return document.getElementById("score-" + item + "-" + key);
      case "s": return document.getElementById("skip-" + item);
      default: return null;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (isTyping(target)) {
      if (event.key === "Escape" && target.tagName === "TEXTAREA") target.blur();
      return;
    }
    var control = shortcutControl(event.key);
    if (!control || event.repeat) return;
    event.preventDefault();
    if (document.querySelector(SETTLING)) {
      waitingKey = event.key; // the newest key wins: one action per settle
      return;
    }
    control.click();
  });

  function runWaitingKey() {
    if (!waitingKey || document.querySelector(SETTLING)) return;
    var control = shortcutControl(waitingKey);
    waitingKey = null;
    if (control && !isTyping(document.activeElement)) control.click();
  }

  // Wiring -------------------------------------------------------------------------------------

  var initialized = false;

  function bindAll() {
    document.querySelectorAll("form[data-autosave] textarea[name=notes]").forEach(bindNotes);
    startClock();
    var changed = trackFocus() && initialized;
    initialized = true;
    var current = document.querySelector("#question-nav [aria-current]");
    if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });
    if (changed) {
      var active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) {
        var heading = document.getElementById("focus-heading");
        if (heading) heading.focus({ preventScroll: true });
      }
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    // Leaving a question: send its pending notes now rather than after the debounce.
    var elt = event.detail && event.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("hx-target") === "#focus") flushNotes();
  });
  document.addEventListener("htmx:afterSettle", function () {
    bindAll();
    runWaitingKey();
  });
  document.addEventListener("htmx:historyRestore", bindAll);

  window.interviewLive = { notes: notes, flushNotes: flushNotes, flushTime: flushTime };
  // The notes of a question moved away from are posted from the status line (send): their
  // answers come back there, to the entry of the URL they were posted to (or, for notesSaved,
  // of the question it names).
  function entryOfAnswer(event) {
    var config = event.detail.requestConfig;
    if (!config) return notes.get(String(event.detail.item)) || null;
    var found = null;
    notes.forEach(function (entry) { if (entry.url === config.path) found = entry; });
    return found;
  }

  // Start once htmx has read its configuration and wired the page (its first htmx:load): the
  // restore of unsaved notes asks htmx to post them.
  htmx.onLoad(function (elt) {
    if (elt !== document.body) return;
    if (statusEl()) hook(statusEl(), entryOfAnswer);
    bindAll();
  });
})();
