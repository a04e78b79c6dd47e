// Styrkort: move focus to the error summary when a page shows one (WCAG 3.3.1), so a screen
// reader hears what to correct and a sighted user sees it; its links lead to each field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("felsammanfattning");
  if (summary) { summary.focus(); }
});
