/* NewsPulse static export: search the exported index (search/index.json) in the browser.
   Only used on the exported search page; the live server answers the same form itself.
   Every piece of text is set with textContent, never parsed as HTML. No network beyond
   the index file next to this page. */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  var section = document.getElementById("static-results");
  var list = document.getElementById("result-list");
  var count = document.getElementById("result-count");
  if (!section || !list || !count) {
    return;
  }
  var form = document.querySelector("form.search-form");
  ["q", "kind", "vertical", "topic", "source", "since", "until"].forEach(function (name) {
    var field = form && form.elements.namedItem(name);
    if (field && params.get(name)) {
      field.value = params.get(name);
    }
  });
  if (!query) {
    return;
  }
  var words = query.toLowerCase().split(/\s+/).filter(function (word) {
    return word && word !== "or" && word.charAt(0) !== "-";
  }).map(function (word) {
    return word.replace(/"/g, "");
  }).filter(Boolean);
  var kind = params.get("kind") || "";
  var source = (params.get("source") || "").toLowerCase();
  var since = params.get("since") || "";
  var until = params.get("until") || "";
  var root = document.querySelector("a.site-name").getAttribute("href");

  function matches(text) {
    var haystack = text.toLowerCase();
    return words.every(function (word) { return haystack.indexOf(word) !== -1; });
  }

  function inRange(published) {
    var day = published.slice(0, 10);
    return (!since || day >= since) && (!until || day <= until);
  }

  function appendMarked(parent, text) {
    var lower = text.toLowerCase();
    var cursor = 0;
    while (cursor < text.length) {
      var next = -1;
      var length = 0;
      words.forEach(function (word) {
        var at = lower.indexOf(word, cursor);
        if (at !== -1 && (next === -1 || at < next)) {
          next = at;
          length = word.length;
        }
      });
      if (next === -1) {
        parent.appendChild(document.createTextNode(text.slice(cursor)));
        return;
      }
      parent.appendChild(document.createTextNode(text.slice(cursor, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + length);
      parent.appendChild(mark);
      cursor = next + length;
    }
  }

  function addResult(label, title, href, meta, snippet, eventHref) {
    var item = document.createElement("li");
    item.className = "result";
    var heading = document.createElement("p");
    heading.className = "result-title";
    var badge = document.createElement("span");
    badge.className = "kind";
    badge.textContent = label;
    heading.appendChild(badge);
    heading.appendChild(document.createTextNode(" "));
    var link = document.createElement(href ? "a" : "span");
    if (href) {
      link.setAttribute("href", href);
      if (label === "Article") {
        link.setAttribute("rel", "noopener nofollow");
      }
    }
    appendMarked(link, title);
    heading.appendChild(link);
    item.appendChild(heading);
    var line = document.createElement("p");
    line.className = "meta";
    line.textContent = meta;
    if (eventHref) {
      line.appendChild(document.createTextNode(" · "));
      var story = document.createElement("a");
      story.setAttribute("href", eventHref);
      story.textContent = "the story from all outlets";
      line.appendChild(story);
    }
    item.appendChild(line);
    if (snippet) {
      var text = document.createElement("p");
      text.className = "snippet";
      appendMarked(text, snippet);
      item.appendChild(text);
    }
    list.appendChild(item);
  }

  fetch("index.json").then(function (response) {
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    return response.json();
  }).then(function (index) {
    var shown = 0;
    var limit = 100;
    if (kind !== "article") {
      index.events.forEach(function (event) {
        var text = event.title + " " + event.facts.join(" ");
        if (shown < limit && !source && matches(text) && inRange(event.published)) {
          addResult("Event", event.title, root + "events/" + event.id + "/",
            event.sources + (event.sources === 1 ? " outlet · " : " outlets · ") +
              event.published.slice(0, 10), event.facts.join(" · "), "");
          shown += 1;
        }
      });
    }
    if (kind !== "event") {
      index.articles.forEach(function (article) {
        var text = article.title + " " + article.source + " " + article.summary;
        var fromSource = !source || article.source.toLowerCase().indexOf(source) !== -1;
        if (shown < limit && fromSource && matches(text) && inRange(article.published)) {
          addResult("Article", article.title, article.url,
            article.source + " · " + article.published.slice(0, 10), article.summary,
            article.event === null ? "" : root + "events/" + article.event + "/");
          shown += 1;
        }
      });
    }
    count.textContent = shown + (shown === limit ? "+" : "") + " result" + (shown === 1 ? "" : "s") + " for \u201c" + query + "\u201d.";
    section.hidden = false;
  }).catch(function (error) {
    count.textContent = "The search index could not be loaded (" + error.message + ").";
    section.hidden = false;
  });
})();
