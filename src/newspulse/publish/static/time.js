/* NewsPulse: show "Updated" times in the reader's own time zone as well as UTC, and keep
   relative ages ("3 hours ago") true on a static copy read long after its export.
   Progressive enhancement only: without this script the pages show UTC and the age at
   rendering time. No network. */
(function () {
  "use strict";
  var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  var ages = document.querySelectorAll(".age[data-since]");
  for (var a = 0; a < ages.length; a++) {
    var since = new Date(ages[a].getAttribute("data-since"));
    var seconds = (Date.now() - since.getTime()) / 1000;
    if (isNaN(seconds) || seconds < 0) {
      continue;
    }
    var text = "just now";
    for (var u = 0; u < units.length; u++) {
      var count = Math.floor(seconds / units[u][1]);
      if (count >= 1) {
        text = count + " " + units[u][0] + (count === 1 ? "" : "s") + " ago";
        break;
      }
    }
    ages[a].textContent = text;
  }
  var format = { dateStyle: "medium", timeStyle: "short" };
  var elements = document.querySelectorAll("time.local-time[datetime]");
  for (var i = 0; i < elements.length; i++) {
    var element = elements[i];
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) {
      continue;
    }
    var local = document.createElement("span");
    local.className = "local";
    local.textContent = " · " + moment.toLocaleString(undefined, format) + " your time";
    element.insertAdjacentElement("afterend", local);
    element.setAttribute("title", moment.toString());
  }
})();
