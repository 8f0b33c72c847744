// Choosing an appointment type fills in its usual length (the server does the same when the
// length is left empty): <select data-durations="3:30,5:60"> next to #duration_minutes.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("select[data-durations]");
  const length = document.getElementById("duration_minutes");
  if (!select || !length) return;
  const durations = new Map(select.dataset.durations.split(",").filter(Boolean)
    .map((pair) => pair.split(":")));
  select.addEventListener("change", () => {
    const minutes = durations.get(select.value);
    if (minutes) length.value = minutes;
  });
});
