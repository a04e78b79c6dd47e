// Styrkort: move focus to the error summary when a page shows one (WCAG 3.3.1), so a screen
// reader hears what to correct and a sighted user sees it; its links lead to each field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("felsammanfattning");
  if (summary) { summary.focus(); }
  // The report preview's wide tables scroll inside their own region on a phone (WCAG 1.4.10),
  // a region that the keyboard can reach and a screen reader names by the table's caption.
  document.querySelectorAll(".report-preview table").forEach(function (table) {
    var region = document.createElement("div");
    region.className = "table-scroll";
    region.setAttribute("role", "region");
    region.setAttribute("tabindex", "0");
    var caption = table.querySelector("caption");
    region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabell");
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
  });
});
