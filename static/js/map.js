// The map of /map/: one marker per locality with its count; a click lists that locality's
// members. Optional: without this file (or Leaflet, or the tiles) the list of localities below
// the map says the same. Text is set with textContent only: names never become markup.
(function () {
  var element = document.getElementById("member-map");
  var data = document.getElementById("map-places");
  if (!element || !data || !window.L) return;
  var places = JSON.parse(data.textContent).filter(function (place) {
    return place.lat !== null && place.lon !== null;
  });
  element.hidden = false;
  // Quarter zoom steps: the localities then fill a phone's map too.
  var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
  L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution }).addTo(map);
  // Bucharest–Ilfov, when no locality has members to fit the view to.
  map.setView([44.44, 26.1], 10);

  var markers = places.map(function (place) {
    var icon = L.divIcon({ className: "map-count", html: "", iconSize: [30, 30] });
    var marker = L.marker([place.lat, place.lon], {
      icon: icon,
      title: place.name + ": " + place.count,
      alt: place.name + ": " + place.count,
      keyboard: true,
    });
    marker.on("add", function () {
      var el = marker.getElement();
      el.textContent = place.count;
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", place.name + ": " + place.count);
    });
    // The pop-up's box is made now; its members are asked for once, when it first opens.
    marker.bindPopup(popup(place, marker), { maxWidth: 240, autoPanPaddingTopLeft: [50, 10] });
    return marker.addTo(map);
  });
  // At once, not animated: a click during the opening zoom would miss its marker.
  if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.05), { maxZoom: 12, animate: false });

  function popup(place, marker) {
    var box = document.createElement("div");
    var title = document.createElement("h2");
    title.className = "map-popup-title";
    title.textContent = place.name + " (" + place.count + ")";
    var list = document.createElement("ul");
    list.className = "map-popup-list";
    var all = document.createElement("a");
    all.href = place.url;
    all.textContent = element.dataset.moreLabel;
    box.append(title, list, all);
    marker.once("popupopen", function () { load(place, marker, list); });
    return box;
  }

  function load(place, marker, list) {
    fetch(place.members, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        answer.members.forEach(function (member) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = member.url;
          link.textContent = member.name;
          item.append(link);
          list.append(item);
        });
        marker.getPopup().update(); // grown: laid out and panned into view again
      })
      .catch(function () {
        var item = document.createElement("li");
        item.textContent = element.dataset.errorLabel;
        list.append(item);
      });
  }
})();
