/* Meeting page: planned vs elapsed time for the current agenda item.
 *
 * The server renders the current item's start time (data-started-at, UTC ISO 8601) and planned minutes
 * (data-planned-minutes) on [data-agenda-timer]. live.js moves aria-current="step" in [data-live-agenda]
 * and dispatches the DOM event "forum:agenda" ({meeting_id, current_item_id, status} in event.detail); this
 * script then shows the new item and restarts the timer. Without JavaScript the page shows the planned
 * duration and the start time instead.
 */
(function () {
  "use strict";

  var timer = document.querySelector("[data-agenda-timer]");
  var list = document.querySelector("[data-live-agenda]");
  var nowText = document.querySelector("[data-agenda-now-text]");
  if (!timer || !list) { return; }

  var planned = timer.querySelector("[data-timer-planned]");
  var elapsed = timer.querySelector("[data-timer-elapsed]");
  var labels = {
    planned: timer.getAttribute("data-label-planned") || "Geplant",
    minutes: timer.getAttribute("data-label-minutes") || "{n} Min.",
    elapsed: timer.getAttribute("data-label-elapsed") || "Verstrichen",
    over: timer.getAttribute("data-label-over") || "überzogen"
  };
  var startedAt = parseStart(timer.getAttribute("data-started-at"));
  var plannedMinutes = parseInt(timer.getAttribute("data-planned-minutes"), 10) || 0;

  function parseStart(value) {
    if (!value) { return null; }
    var ms = Date.parse(value);
    return isNaN(ms) ? null : ms;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = s % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function render() {
    if (startedAt === null) { return; }
    var seconds = (Date.now() - startedAt) / 1000;
    // the plan in minutes, as the page says it without JavaScript: "20:00" would read as a time of day
    planned.textContent = plannedMinutes ? labels.planned + ": " + labels.minutes.replace("{n}", plannedMinutes) : "";
    elapsed.textContent = labels.elapsed + ": " + clock(seconds);
    var over = plannedMinutes && seconds > plannedMinutes * 60;
    timer.classList.toggle("is-over", Boolean(over));
    if (over) { elapsed.textContent += " (" + labels.over + ")"; }
  }

  function currentItem(detail) {
    if (detail && detail.current_item_id) {
      return document.getElementById("agenda-item-" + detail.current_item_id);
    }
    if (detail && "current_item_id" in detail) { return null; }
    return list.querySelector('[aria-current="step"]');
  }

  function follow(event) {
    var detail = event.detail || {};
    if (detail.meeting_id && String(detail.meeting_id) !== list.getAttribute("data-live-agenda")) { return; }
    var item = currentItem(detail);
    Array.prototype.forEach.call(list.querySelectorAll('[aria-current="step"]'), function (li) {
      if (li !== item) { li.removeAttribute("aria-current"); }
    });
    if (!item) {
      startedAt = null;
      timer.hidden = true;
      if (nowText) { nowText.textContent = nowText.getAttribute("data-empty-text") || ""; }
      return;
    }
    item.setAttribute("aria-current", "step");
    var heading = item.querySelector(".agenda-title");
    if (nowText && heading) {
      var marker = heading.querySelector(".current-marker");
      nowText.textContent = heading.textContent.replace(marker ? marker.textContent : "", "").trim();
    }
    plannedMinutes = parseInt(item.getAttribute("data-planned-minutes"), 10) || 0;
    startedAt = Date.now();
    timer.hidden = false;
    render();
  }

  // Capture on window: the event is seen wherever live.js dispatches it, bubbling or not.
  window.addEventListener("forum:agenda", follow, true);
  render();
  window.setInterval(render, 1000);
})();
