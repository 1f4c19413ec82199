// Progressive enhancement only: the pages work without this file (plain form posts and redirects).
// htmx swaps the patient page's body after a form post; this file reports refusals it does not swap.
document.addEventListener("htmx:responseError", function (event) {
  var status = document.getElementById("save-status");
  if (!status) return;
  var code = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
  status.textContent = code === 403
    ? "Not saved: you are not allowed to make this change (or the form expired; reload the page)."
    : "Not saved: the server answered " + code + ". Reload the page and try again.";
});
document.addEventListener("htmx:sendError", function () {
  var status = document.getElementById("save-status");
  if (status) status.textContent = "Not saved: the server could not be reached.";
});
