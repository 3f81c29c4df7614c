// Filtering in place, as progressive enhancement. Without this file the directory is a plain
// form: "Apply filters" and "Sort" submit it, and every chip and page number is a link.
//
// With it, a change fetches the address the form would load (the same server-rendered page, from
// the page cache like any visit: no second template, no second cache) and makes this page's panel
// and results like that page's, node by node: the focused checkbox stays the same element, folded
// sections stay folded, the new count is announced in a polite live region, and the address is
// pushed to history so the back and forward buttons return to each state.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var results = document.getElementById("results");
  var status = document.getElementById("results-status");
  var search = document.getElementById("id_q");
  if (!form || !results || !status || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  document.documentElement.classList.add("js");
  var panel = form.closest("details");
  var wide = window.matchMedia("(min-width: 60em)");
  if (panel && wide.matches) panel.open = true;
  var path = new URL(form.action, location.href).pathname;
  var controller = null;

  // --- The address of the form's state, as a GET submission would write it ---------------------
  function addressOf() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    var query = params.toString();
    return path + (query ? "?" + query : "");
  }

  // --- Make `old` like `fresh`, keeping the nodes that are alike ---------------------------------
  // Attributes the visitor's own actions set are left alone: a section's `open`, `hidden` (the
  // option finder's, and the options it hides), and the results heading's `tabindex` (focusResults).
  var KEEP = { open: true, hidden: true, tabindex: true };

  function syncAttributes(old, fresh) {
    Array.prototype.slice.call(old.attributes).forEach(function (attribute) {
      if (!KEEP[attribute.name] && !fresh.hasAttribute(attribute.name)) old.removeAttribute(attribute.name);
    });
    Array.prototype.forEach.call(fresh.attributes, function (attribute) {
      if (!KEEP[attribute.name] && old.getAttribute(attribute.name) !== attribute.value) {
        old.setAttribute(attribute.name, attribute.value);
      }
    });
  }

  function morph(old, fresh) {
    if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) {
      old.parentNode.replaceChild(document.importNode(fresh, true), old);
      return;
    }
    if (old.nodeType !== 1) {
      if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
      return;
    }
    syncAttributes(old, fresh);
    var oldKids = Array.prototype.slice.call(old.childNodes);
    var freshKids = fresh.childNodes;
    for (var i = 0; i < freshKids.length; i++) {
      if (i < oldKids.length) morph(oldKids[i], freshKids[i]);
      else old.appendChild(document.importNode(freshKids[i], true));
    }
    for (var j = freshKids.length; j < oldKids.length; j++) old.removeChild(oldKids[j]);
  }

  // Attributes say what the page was rendered with; what a control shows is its property.
  function syncControls(doc, restoring) {
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = box.hasAttribute("checked");
    });
    var sort = document.getElementById("id_sort");
    var freshSort = doc.getElementById("id_sort");
    if (sort && freshSort) sort.value = freshSort.value;
    var freshSearch = doc.getElementById("id_q");
    if (search && freshSearch && (restoring || document.activeElement !== search)) {
      search.value = freshSearch.getAttribute("value") || "";
    }
    form.querySelectorAll(".option-finder").forEach(function (finder) {
      finder.hidden = false;
      applyFinder(finder);
    });
  }

  function announce() {
    var count = document.getElementById("result-count");
    status.textContent = "";
    // A moment later, so that the same words said twice in a row are said again.
    window.setTimeout(function () {
      status.textContent = count ? count.textContent.trim() : "";
    }, 100);
  }

  function focusResults() {
    var heading = document.getElementById("result-count");
    if (!heading) return;
    heading.setAttribute("tabindex", "-1"); // focusable by script only
    heading.focus({ preventScroll: true });
    if (heading.getBoundingClientRect().top < 0 || heading.getBoundingClientRect().top > window.innerHeight) {
      heading.scrollIntoView();
    }
  }

  // --- Load an address into this page ------------------------------------------------------------
  function load(url, push) {
    if (controller) controller.abort();
    controller = new AbortController();
    results.setAttribute("aria-busy", "true");
    return fetch(url, { signal: controller.signal, credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var freshForm = doc.getElementById("filters");
        var freshResults = doc.getElementById("results");
        if (!freshForm || !freshResults) throw new Error("not the directory");
        var here = location.pathname + location.search;
        if (push && url !== here) history.pushState({ directory: true }, "", url);
        var focused = document.activeElement;
        morph(form, freshForm);
        morph(results, freshResults);
        // The links that name this address: the language switcher (it keeps the filters) and the
        // canonical and hreflang links.
        var switcher = document.querySelector(".language-switcher");
        var freshSwitcher = doc.querySelector(".language-switcher");
        if (switcher && freshSwitcher) morph(switcher, freshSwitcher);
        var links = document.head.querySelectorAll("link[rel=canonical], link[rel=alternate]");
        var freshLinks = doc.head.querySelectorAll("link[rel=canonical], link[rel=alternate]");
        if (links.length === freshLinks.length) {
          links.forEach(function (link, index) { link.href = freshLinks[index].href; });
        }
        var summary = panel && panel.querySelector(":scope > summary");
        var freshSummary = doc.querySelector(".filters-panel > summary");
        if (summary && freshSummary) summary.textContent = freshSummary.textContent;
        syncControls(doc, !push);
        document.title = doc.title;
        announce();
        // The focused element was replaced (a chip, a page link, the sort that an empty result
        // has no more): the results' heading takes the focus, as a new page's start would.
        if (!focused || focused === document.body || !document.contains(focused)) focusResults();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        location.assign(url); // anything unexpected: load the page as without JavaScript
      });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form !== form || !target.name) return; // the option finder has no name
    if (target.type === "checkbox" || target.classList.contains("auto-submit")) load(addressOf(), true);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var showing = event.submitter && event.submitter.classList.contains("apply-filters");
    load(addressOf(), true).then(function () {
      if (!showing) return;
      // "Show 12 members" on a phone: fold the panel away and go to the results.
      if (panel && !wide.matches) panel.open = false;
      focusResults();
      document.getElementById("results").scrollIntoView();
    });
  });

  // Chips, "Clear all", page numbers and the empty state's suggestions: links to this same page.
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("download") || !(results.contains(link) || form.contains(link))) return;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== path) return;
    event.preventDefault();
    var paging = !!link.closest(".pagination");
    load(url.pathname + url.search, true).then(function () {
      focusResults();
      if (paging) results.scrollIntoView();
    });
  });

  window.addEventListener("popstate", function () {
    if (location.pathname === path) load(location.pathname + location.search, false);
  });

  // --- The finder above a long list (competences): typing narrows it to the matching options -----
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function applyFinder(finder) {
    var facet = finder.closest(".facet");
    var words = fold(finder.querySelector("input").value.trim());
    facet.classList.toggle("is-finding", words !== "");
    facet.querySelectorAll(".facet-option").forEach(function (option) {
      option.hidden = words !== "" && fold(option.querySelector(".facet-label").textContent).indexOf(words) === -1;
    });
  }

  form.querySelectorAll(".option-finder").forEach(function (finder) {
    finder.hidden = false;
  });
  form.addEventListener("input", function (event) {
    var finder = event.target.closest(".option-finder");
    if (finder) applyFinder(finder);
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest(".option-finder")) event.preventDefault();
  });
})();
