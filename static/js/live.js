/*
 * Smart-City-Forum live panel (plain JavaScript, no build step).
 *
 * Progressive enhancement of templates/_macros/live.html: the page already shows the history and a
 * plain form; this module connects to the Socket.IO namespace /live (vendor/socket.io.min.js),
 * joins every room marked data-live-room, and from then on inserts new messages, hides hidden ones,
 * shows presence, and updates vote counts (data-live-votes) and agendas (data-live-agenda).
 * After a lost connection it re-joins with `since` = the newest message id it has, so it gets
 * what it missed, in order, without duplicates. Messages are inserted as text, and the message
 * body as the HTML the server's one sanitiser produced (body_html), never as anything else.
 */
(function () {
  "use strict";

  var socket = null;
  var rooms = {}; // room name -> {panels: [panel state], lastId: number}

  function text(panel, key) {
    return panel.el.getAttribute("data-live-text-" + key) || "";
  }

  function setStatus(panel, message) {
    if (panel.status) { panel.status.textContent = message; }
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    return "c-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function formatTime(iso) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "de", {
        dateStyle: "short", timeStyle: "short", timeZone: "Europe/Berlin"
      }).format(new Date(iso));
    } catch (e) {
      return iso;
    }
  }

  function hideForm(panel, id) {
    if (!panel.hideTemplate) { return null; }
    var fragment = panel.hideTemplate.content.cloneNode(true);
    Array.prototype.forEach.call(fragment.querySelectorAll("[id],[for],[action],[data-live-hide-form]"), function (node) {
      ["id", "for", "action", "data-live-hide-form"].forEach(function (name) {
        var value = node.getAttribute(name);
        if (value && value.indexOf("__ID__") !== -1) { node.setAttribute(name, value.split("__ID__").join(String(id))); }
      });
    });
    return fragment;
  }

  function renderMessage(panel, m) {
    var li = document.createElement("li");
    li.className = "live-message";
    li.id = "live-message-" + m.id;
    li.setAttribute("data-live-message-id", String(m.id));
    var meta = document.createElement("p");
    meta.className = "live-meta";
    var author = document.createElement("span");
    author.className = "live-author";
    author.textContent = m.author && m.author.id !== null ? m.author.name : text(panel, "deleted");
    meta.appendChild(author);
    if (m.author && m.author.stakeholder) {
      var group = document.createElement("span");
      group.className = "live-stakeholder";
      group.textContent = "(" + (panel.stakeholders[m.author.stakeholder] || m.author.stakeholder) + ")";
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(group);
    }
    var time = document.createElement("time");
    time.setAttribute("datetime", m.created_at);
    time.textContent = formatTime(m.created_at);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    li.appendChild(meta);
    var body = document.createElement("div");
    body.className = "live-body";
    body.innerHTML = m.body_html || ""; // produced by forum/text.py render_markdown (sanitised)
    li.appendChild(body);
    if (m.hidden) {
      li.classList.add("live-message-hidden");
      appendHiddenNote(panel, li, m.hidden_reason);
    } else if (panel.canHide) {
      var form = hideForm(panel, m.id);
      if (form) { li.appendChild(form); }
    }
    return li;
  }

  function appendHiddenNote(panel, li, reason) {
    var note = li.querySelector(".live-hidden-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "live-hidden-note";
      li.appendChild(note);
    }
    note.textContent = reason ? text(panel, "hidden-reason").replace("%s", reason) : text(panel, "hidden");
  }

  function insertMessage(panel, m) {
    if (panel.list.querySelector('[data-live-message-id="' + m.id + '"]')) { return; }
    var li = renderMessage(panel, m);
    var next = null;
    Array.prototype.some.call(panel.list.children, function (child) {
      if (Number(child.getAttribute("data-live-message-id")) > m.id) { next = child; return true; }
      return false;
    });
    panel.list.insertBefore(li, next);
    if (panel.empty) { panel.empty.classList.add("is-hidden"); }
  }

  function markHidden(panel, id, reason) {
    var li = panel.list.querySelector('[data-live-message-id="' + id + '"]');
    if (!li) { return; }
    if (panel.canHide) { // moderators keep the text, marked as hidden
      li.classList.add("live-message-hidden");
      var details = li.querySelector(".live-hide");
      if (details) { details.remove(); }
      if (reason || !li.querySelector(".live-hidden-note")) { appendHiddenNote(panel, li, reason); }
      return;
    }
    if (li.classList.contains("live-message-placeholder") && !reason) { return; }
    li.classList.add("live-message-placeholder");
    Array.prototype.slice.call(li.children).forEach(function (child) {
      if (!child.classList.contains("live-hidden-note")) { child.remove(); }
    });
    appendHiddenNote(panel, li, reason);
  }

  function noteMessageId(room, id) {
    if (id > room.lastId) { room.lastId = id; }
  }

  function eachPanel(name, fn) {
    var room = rooms[name];
    if (room) { room.panels.forEach(fn); }
  }

  function presenceText(panel, count) {
    if (count === 1) { return text(panel, "presence-one"); }
    if (count > 1) { return text(panel, "presence-many").replace("%d", String(count)); }
    return "";
  }

  function join(name) {
    var room = rooms[name];
    var payload = {room: name};
    if (room.lastId > 0) { payload.since = room.lastId; }
    socket.timeout(15000).emit("join", payload, function (err, ack) {
      if (err || !ack) { return; }
      eachPanel(name, function (panel) {
        if (!ack.ok) { setStatus(panel, ack.error ? ack.error.message : ""); return; }
        (ack.messages || []).forEach(function (m) { insertMessage(panel, m); });
        (ack.hidden || []).forEach(function (id) { markHidden(panel, id, null); });
        if (panel.presence) { panel.presence.textContent = presenceText(panel, ack.presence); }
        setStatus(panel, text(panel, "online"));
      });
      if (!ack.ok) { return; }
      (ack.messages || []).forEach(function (m) { noteMessageId(room, m.id); });
      if (ack.more) { join(name); }
    });
  }

  function sendPost(panel, form) {
    var textarea = form.querySelector("textarea[name=body]");
    var body = textarea.value;
    if (!body.trim()) { return; }
    if (!form.getAttribute("data-live-client-id")) { form.setAttribute("data-live-client-id", newClientId()); }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    setStatus(panel, text(panel, "sending"));
    socket.timeout(10000).emit("post", {
      room: panel.room, body: body, client_id: form.getAttribute("data-live-client-id")
    }, function (err, ack) {
      if (button) { button.disabled = false; }
      if (err || !ack) { setStatus(panel, text(panel, "error")); return; } // same client_id on retry: no duplicate
      if (!ack.ok) { setStatus(panel, (ack.error && ack.error.message) || text(panel, "error")); return; }
      form.removeAttribute("data-live-client-id");
      textarea.value = "";
      insertMessage(panel, ack.message);
      noteMessageId(rooms[panel.room], ack.message.id);
      setStatus(panel, "");
    });
  }

  function sendHide(panel, form) {
    var id = Number(form.getAttribute("data-live-hide-form"));
    var reason = form.querySelector("input[name=reason]").value;
    socket.timeout(10000).emit("hide", {id: id, reason: reason}, function (err, ack) {
      if (err || !ack) { setStatus(panel, text(panel, "error")); return; }
      if (!ack.ok) { setStatus(panel, (ack.error && ack.error.message) || text(panel, "error")); return; }
      markHidden(panel, id, reason);
    });
  }

  function setupPanel(el) {
    var name = el.getAttribute("data-live-room");
    var panel = {
      el: el,
      room: name,
      list: el.querySelector("[data-live-messages]"),
      empty: el.querySelector("[data-live-empty]"),
      presence: el.querySelector("[data-live-presence]"),
      status: el.querySelector("[data-live-status]"),
      hideTemplate: el.querySelector("template[data-live-hide-template]"),
      canHide: el.getAttribute("data-live-can-hide") === "1",
      stakeholders: {}
    };
    try { panel.stakeholders = JSON.parse(el.getAttribute("data-live-stakeholders") || "{}"); } catch (e) { /* labels are optional */ }
    if (!rooms[name]) { rooms[name] = {panels: [], lastId: 0}; }
    var room = rooms[name];
    if (panel.list) {
      room.panels.push(panel);
      Array.prototype.forEach.call(panel.list.querySelectorAll("[data-live-message-id]"), function (li) {
        noteMessageId(room, Number(li.getAttribute("data-live-message-id")));
      });
    }
    el.addEventListener("submit", function (event) {
      var form = event.target;
      if (!socket || !socket.connected) { return; } // offline: the plain form posts and the page reloads
      if (form.hasAttribute("data-live-form")) { event.preventDefault(); sendPost(panel, form); }
      else if (form.hasAttribute("data-live-hide-form")) { event.preventDefault(); sendHide(panel, form); }
    });
  }

  var voteFetches = {};

  // A root with data-votes-fragment="<url>" is re-rendered by the server (chart and table in one
  // place, no chart code in the browser); debounced so a burst of votes costs one request.
  function refreshVoteFragment(root) {
    var url = root.getAttribute("data-votes-fragment");
    if (voteFetches[url]) { return; }
    voteFetches[url] = setTimeout(function () {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}}).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        delete voteFetches[url];
        var current = document.querySelector('[data-votes-fragment="' + url + '"]');
        if (html && current) {
          var holder = document.createElement("div");
          holder.innerHTML = html; // server-rendered, escaped by Jinja; no user text in it
          var fresh = holder.querySelector("[data-votes-fragment]");
          if (fresh) { current.replaceWith(fresh); }
        }
      }).catch(function () { delete voteFetches[url]; });
    }, 300);
  }

  function updateVotes(payload) {
    var roots = document.querySelectorAll('[data-live-votes="' + payload.proposal_id + '"]');
    Array.prototype.forEach.call(roots, function (root) {
      if (root.hasAttribute("data-votes-fragment")) { refreshVoteFragment(root); return; }
      Array.prototype.forEach.call(root.querySelectorAll("[data-live-votes-field]"), function (node) {
        var value = lookup(payload.votes, node.getAttribute("data-live-votes-field"));
        if (typeof value !== "number") { return; }
        if (node.tagName === "PROGRESS" || node.tagName === "METER") {
          var maxPath = node.getAttribute("data-live-votes-max");
          if (maxPath) {
            var max = lookup(payload.votes, maxPath);
            if (typeof max === "number") { node.max = Math.max(max, 1); }
          }
          node.value = value;
        } else {
          node.textContent = String(value);
        }
      });
    });
    document.dispatchEvent(new CustomEvent("forum:votes", {detail: payload}));
  }

  function lookup(object, path) {
    return (path || "").split(".").reduce(function (value, key) {
      return value && typeof value === "object" ? value[key] : undefined;
    }, object);
  }

  function updateAgenda(payload) {
    var roots = document.querySelectorAll('[data-live-agenda="' + payload.meeting_id + '"]');
    Array.prototype.forEach.call(roots, function (root) {
      Array.prototype.forEach.call(root.querySelectorAll('[aria-current="step"]'), function (node) {
        node.removeAttribute("aria-current");
        node.classList.remove("is-current");
      });
      if (payload.current_item_id !== null && payload.current_item_id !== undefined) {
        var item = root.querySelector("#agenda-item-" + String(payload.current_item_id).replace(/[^0-9A-Za-z_-]/g, ""));
        if (item) { item.setAttribute("aria-current", "step"); item.classList.add("is-current"); }
      }
    });
    if (payload.status) { updateStatus(payload.meeting_id, payload.status); }
    document.dispatchEvent(new CustomEvent("forum:agenda", {detail: payload}));
  }

  function updateStatus(meetingId, status) {
    var badges = document.querySelectorAll('[data-meeting-status="' + String(meetingId).replace(/[^0-9]/g, "") + '"]');
    Array.prototype.forEach.call(badges, function (badge) {
      var labels, kinds;
      try {
        labels = JSON.parse(badge.getAttribute("data-status-labels") || "{}");
        kinds = JSON.parse(badge.getAttribute("data-status-kinds") || "{}");
      } catch (e) { return; }
      if (!labels[status]) { return; }
      Object.keys(kinds).forEach(function (key) { if (kinds[key]) { badge.classList.remove(kinds[key]); } });
      if (kinds[status]) { badge.classList.add(kinds[status]); }
      badge.textContent = labels[status];
    });
  }

  function start() {
    var elements = document.querySelectorAll("[data-live-room]");
    if (!elements.length || typeof window.io !== "function") { return; }
    Array.prototype.forEach.call(elements, setupPanel);
    // WebSocket first: one connection that stays with the worker that accepted it, so
    // `forum serve --workers N` needs no sticky sessions; long-polling only when WebSocket fails
    // (a proxy without it), which behind N > 1 workers needs sticky sessions (README, Deployment).
    socket = window.io("/live", {withCredentials: true, transports: ["websocket", "polling"],
                                 tryAllTransports: true});
    socket.on("connect", function () { Object.keys(rooms).forEach(join); });
    socket.on("disconnect", function () {
      Object.keys(rooms).forEach(function (name) {
        eachPanel(name, function (panel) { setStatus(panel, text(panel, "offline")); });
      });
    });
    socket.on("message", function (m) {
      if (!m || !rooms[m.room]) { return; }
      eachPanel(m.room, function (panel) { insertMessage(panel, m); });
      noteMessageId(rooms[m.room], m.id);
    });
    socket.on("message_hidden", function (payload) {
      if (payload && rooms[payload.room]) {
        eachPanel(payload.room, function (panel) { markHidden(panel, payload.id, payload.reason || null); });
      }
    });
    socket.on("presence", function (payload) {
      if (payload && rooms[payload.room]) {
        eachPanel(payload.room, function (panel) {
          if (panel.presence) { panel.presence.textContent = presenceText(panel, payload.count); }
        });
      }
    });
    socket.on("votes", function (payload) { if (payload) { updateVotes(payload); } });
    socket.on("agenda", function (payload) { if (payload) { updateAgenda(payload); } });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
