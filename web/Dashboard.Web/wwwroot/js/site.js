// Draws every chart on the page from its JSON block (the CSP allows no inline script), and keeps
// charts legible in print. The numbers of each chart are also in the table beside it.
(function () {
    'use strict';
    if (typeof Chart === 'undefined') return;

    Chart.defaults.font.family = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
    Chart.defaults.font.size = parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.85;
    Chart.defaults.color = '#1f2933';
    // Still pictures: leaders print and screenshot these, and moving bars help nobody read a number.
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;

    var charts = [];
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
        var block = document.getElementById(canvas.getAttribute('data-chart'));
        if (!block) return;
        var spec = JSON.parse(block.textContent);
        var datasets = spec.series.map(function (s, i) {
            var bar = s.type === 'bar';
            var colors = bar && i === 0 && spec.barColors ? spec.barColors : s.color;
            return {
                type: s.type,
                label: s.label,
                data: s.data,
                backgroundColor: colors,
                borderColor: bar ? colors : s.color,
                borderWidth: bar ? 0 : 2,
                borderDash: s.dashed ? [6, 4] : [],
                pointRadius: bar ? 0 : 3,
                spanGaps: true,
                order: bar ? 2 : 1
            };
        });
        var valueAxis = spec.horizontal ? 'x' : 'y';
        var scales = {};
        scales[valueAxis] = { beginAtZero: true, title: { display: !!spec.yTitle, text: spec.yTitle } };
        charts.push(new Chart(canvas, {
            type: 'bar',
            data: { labels: spec.labels, datasets: datasets },
            options: {
                indexAxis: spec.horizontal ? 'y' : 'x',
                responsive: true,
                scales: scales,
                plugins: { legend: { position: 'bottom' } }
            }
        }));
    });

    window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener('afterprint', function () { charts.forEach(function (c) { c.resize(); }); });
})();
