/* Optional: refreshes the front page's status region every minute by fetching the same page and
   replacing the region, and announces a change of the overall status through a polite live region.
   When the newest copy it can get is older than the page says it may be trusted (meta mpass-trusted-until:
   a live export whose watcher stopped, a site that no longer answers), it says above the region how many
   minutes old the information is. Nothing depends on it: without it the page shows when it was rendered
   ("Updated ..."). */
(function () {
  "use strict";
  var region = document.getElementById("status-region");
  var announcer = document.getElementById("refresh-status");
  if (!region || !announcer || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 60;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var lastFetch = Date.now();
  var staleText = metaContent(document, "mpass-stale-text");
  var made = Date.parse(metaContent(document, "mpass-made"));
  var trustedUntil = Date.parse(metaContent(document, "mpass-trusted-until"));
  // The server's clock minus the reader's, learnt from each answer's Date: a wrong clock here warns of nothing.
  var skew = 0;
  var warning = null;

  function metaContent(root, name) {
    var meta = root.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function checkAge() {
    if (!staleText || isNaN(made) || isNaN(trustedUntil)) { return; }
    var now = Date.now() + skew;
    if (now <= trustedUntil) {
      if (warning) { warning.hidden = true; }
      return;
    }
    var text = staleText.replace("{minutes}", String(Math.floor((now - made) / 60000)));
    if (!warning) {
      warning = document.createElement("p");
      warning.id = "stale-warning";
      warning.className = "stale-warning";
      region.parentNode.insertBefore(warning, region);
    }
    if (warning.hidden || !warning.textContent) { announcer.textContent = text; }
    warning.textContent = text;
    warning.hidden = false;
  }

  function overallText(root) {
    var heading = root.querySelector("#overall-heading");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function ongoingIds(root) {
    return Array.prototype.map.call(root.querySelectorAll(".ongoing a[href]"), function (a) {
      return a.getAttribute("href");
    }).join(" ");
  }

  // Focus inside the region moves to the same link in the new region, so a keyboard user keeps their place.
  function focusedHref() {
    var active = document.activeElement;
    return active && region.contains(active) && active.getAttribute ? active.getAttribute("href") : null;
  }

  function replace(fresh) {
    var before = overallText(region), ongoingBefore = ongoingIds(region), href = focusedHref();
    region.innerHTML = fresh.innerHTML;
    if (href) {
      var same = region.querySelector('a[href="' + href.replace(/"/g, '\\"') + '"]');
      if (same) { same.focus(); }
    }
    var after = overallText(region);
    if (after !== before || ongoingIds(region) !== ongoingBefore) {
      var updated = region.querySelector(".updated");
      announcer.textContent = after + (updated ? " " + updated.textContent.replace(/\s+/g, " ").trim() : "");
      if (!reduceMotion) {
        region.classList.remove("just-updated");
        void region.offsetWidth;
        region.classList.add("just-updated");
      }
    }
  }

  function refresh() {
    if (document.hidden) { return; }
    lastFetch = Date.now();
    fetch(window.location.href, { cache: "no-store", credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        var date = Date.parse(response.headers.get("Date") || "");
        if (!isNaN(date)) { skew = date - Date.now(); }
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("status-region");
        var freshMade = Date.parse(metaContent(doc, "mpass-made"));
        if (!isNaN(freshMade) && !(freshMade <= made)) {
          made = freshMade;
          trustedUntil = Date.parse(metaContent(doc, "mpass-trusted-until"));
        }
        if (fresh && fresh.innerHTML !== region.innerHTML) { replace(fresh); }
        checkAge();
      })
      .catch(function () { checkAge(); /* Keep the page as it is; the warning and "Updated" tell its age. */ });
  }

  checkAge();
  window.setInterval(checkAge, 15000);
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && Date.now() - lastFetch > seconds * 1000) { refresh(); }
  });
}());
