// Turns "office [at] example.ro" (see the protected_email template tag) into a mailto link.
// Without JavaScript the text form stays readable; the raw address is never in the HTML.
document.querySelectorAll("[data-email-user][data-email-domain]").forEach(function (element) {
  var address = element.dataset.emailUser + "@" + element.dataset.emailDomain;
  var link = document.createElement("a");
  link.href = "mailto:" + address;
  link.textContent = address;
  element.replaceChildren(link);
});
