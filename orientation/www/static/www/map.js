// Street maps on tiles (MAP_TILES_URL) over the server-drawn SVG maps, which stay the map
// without JavaScript: each .tiles-map carries the same centre, radius and markers as its SVG
// (orientation/www/maps.py). Leaflet, vendored with the platform, is loaded only on pages
// that have a map.
(function () {
  "use strict";
  var maps = document.querySelectorAll(".tiles-map[data-map]");
  if (!maps.length) return;
  var self = document.currentScript;

  function draw(element) {
    var data = JSON.parse(element.getAttribute("data-map"));
    element.hidden = false;
    var svg = element.nextElementSibling;
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
    var centre = L.latLng(data.centre[0], data.centre[1]);
    var bounds = centre.toBounds(data.radius_km * 2000);
    if (data.circle) {
      L.circle(centre, { radius: data.radius_km * 1000, className: "tiles-map-radius" }).addTo(map);
    }
    data.markers.forEach(function (marker) {
      var icon = L.divIcon({
        className: marker.number === null ? "tiles-map-pin" : "tiles-map-marker",
        html: marker.number === null ? "" : String(marker.number),
        iconSize: [24, 24],
      });
      L.marker([marker.lat, marker.lon], { icon: icon, title: marker.label, alt: marker.label }).addTo(map);
    });
    map.fitBounds(bounds);
    if (svg && svg.classList.contains("situation-map")) svg.setAttribute("hidden", "");  // an SVG has no .hidden
    element.setAttribute("data-drawn", "true");
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = self.getAttribute("data-leaflet-css");
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = self.getAttribute("data-leaflet-js");
  script.onload = function () {
    maps.forEach(draw);
  };
  document.head.appendChild(script);
})();
