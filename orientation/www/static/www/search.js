// The search form, improved when JavaScript runs (it works without it):
// communes suggested as one types in « Où ? », and « Près de moi » with the browser's position.
(function () {
  "use strict";
  var where = document.getElementById("search-ou");
  if (!where) { return; }
  var list = document.getElementById("communes-suggestions");
  var lat = document.getElementById("search-lat");
  var lon = document.getElementById("search-lon");
  var timer = null;
  var asked = "";

  function forgetPosition() { lat.value = ""; lon.value = ""; }

  where.addEventListener("input", function () {
    forgetPosition();
    var text = where.value.trim();
    if (text.length < 2 || text === asked) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      asked = text;
      fetch(where.dataset.suggestions + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (communes) {
          list.replaceChildren.apply(list, communes.map(function (commune) {
            var option = document.createElement("option");
            option.value = commune.value;
            option.label = commune.label;
            return option;
          }));
        })
        .catch(function () { /* no suggestions: the field still works */ });
    }, 150);
  });

  var button = document.getElementById("search-near-me");
  var status = document.getElementById("search-near-me-status");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(5);
      lon.value = position.coords.longitude.toFixed(5);
      where.value = "";
      status.textContent = "Position trouvée.";
      where.form.submit();
    }, function () {
      status.textContent = "Position indisponible : indiquez une commune ou un code postal.";
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  });
})();
