// Optional comfort: apply a filter as soon as it changes. Everything works without this file
// (the "Apply filters" and "Sort" buttons submit the same form).
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  document.documentElement.classList.add("js");
  var panel = form.closest("details");
  if (panel && window.matchMedia("(min-width: 60em)").matches) panel.open = true;
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form === form && (target.type === "checkbox" || target.classList.contains("auto-submit"))) {
      form.requestSubmit();
    }
  });
})();
