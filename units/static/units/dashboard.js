// Draws the unit dashboard's charts from the JSON the page carries (no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var rtl = document.documentElement.dir === "rtl";
  var green = "#0b6e4f";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;
  new Chart(document.getElementById("chart-days"), {
    type: "bar",
    data: {labels: data.days.map(function (d) { return d.slice(8) + "/" + d.slice(5, 7); }),
           datasets: [{label: data.labels.visits, data: data.visits, backgroundColor: green}]},
    options: {plugins: {legend: {display: false}},
              scales: {x: {reverse: rtl}, y: {beginAtZero: true, position: rtl ? "right" : "left", ticks: {precision: 0}}}}
  });
  var files = document.getElementById("chart-files");
  if (files) new Chart(files, {
    type: "doughnut",
    data: {labels: data.labels.files, datasets: [{data: data.files, backgroundColor: ["#6c757d", green, "#dc3545"]}]},
    options: {plugins: {legend: {rtl: rtl, position: "bottom"}}}
  });
  new Chart(document.getElementById("chart-services"), {
    type: "bar",
    data: {labels: data.services, datasets: [{label: data.labels.visits, data: data.service_visits, backgroundColor: "#198754"}]},
    options: {indexAxis: "y", plugins: {legend: {display: false}},
              scales: {x: {beginAtZero: true, reverse: rtl, ticks: {precision: 0}}, y: {position: rtl ? "right" : "left"}}}
  });
});
