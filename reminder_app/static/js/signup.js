// Pre-fill Clickatell's country and the time zone from the practice's country.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-country-map]");
  if (!form) return;
  const countries = JSON.parse(form.dataset.countryMap);
  const zones = JSON.parse(form.dataset.zoneMap);
  const country = form.querySelector("#country");
  country.addEventListener("change", () => {
    const code = country.value;
    if (countries[code]) form.querySelector("#clickatell_country").value = countries[code];
    if (zones[code]) form.querySelector("#timezone").value = zones[code];
  });
});
