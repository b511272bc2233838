// SPDX-License-Identifier: BSL-1.0
#include "bench/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace ahttp::cli::bench {

namespace {

constexpr double width = 800;
constexpr double height = 480;
constexpr double left = 80;
constexpr double right = 30;
constexpr double top = 50;
constexpr double bottom = 70;
constexpr double plot_w = width - left - right;
constexpr double plot_h = height - top - bottom;

std::string num(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

std::string label_number(double v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string escape(std::string const& text)
{
    std::string out;
    for (char const c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            // Control characters are not allowed in XML 1.0.
            out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        }
    }
    return out;
}

/// A step of 1, 2 or 5 times a power of ten giving about five ticks up to `top_value`.
double nice_step(double top_value)
{
    if (!(top_value > 0)) {
        return 1;
    }
    double const rough = top_value / 5;
    double const power = std::pow(10.0, std::floor(std::log10(rough)));
    for (double const m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * power >= rough) {
            return m * power;
        }
    }
    return 10 * power;
}

std::string text(double x, double y, std::string const& content, char const* anchor = "middle",
                 std::string const& extra = "")
{
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" +
           extra + ">" + escape(content) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, char const* stroke)
{
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
           num(y2) + "\" stroke=\"" + stroke + "\"/>\n";
}

std::string open(std::string const& title)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
           num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
           num(height) +
           "\" font-family=\"sans-serif\" font-size=\"12\">\n"
           "<title>" +
           escape(title) +
           "</title>\n"
           "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" +
           text(width / 2, 28, title, "middle", " font-size=\"15\"");
}

/// Axes, y grid and the axis titles; returns the y scale's top.
std::string frame(double y_max, std::string const& x_title, std::string const& y_title,
                  double& y_top)
{
    double const step = nice_step(y_max);
    y_top = std::max(step, std::ceil(y_max / step) * step);
    std::string out;
    for (double v = 0; v <= y_top + step / 2; v += step) {
        double const y = top + plot_h - v / y_top * plot_h;
        out += line(left, y, left + plot_w, y, "#e0e0e0");
        out += text(left - 8, y + 4, label_number(v), "end");
    }
    out += line(left, top, left, top + plot_h, "black");
    out += line(left, top + plot_h, left + plot_w, top + plot_h, "black");
    out += text(left + plot_w / 2, height - 20, x_title);
    out += "<text x=\"18\" y=\"" + num(top + plot_h / 2) +
           "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " + num(top + plot_h / 2) + ")\">" +
           escape(y_title) + "</text>\n";
    return out;
}

} // namespace

std::string latency_svg(histogram const& latency, std::string const& title)
{
    // Up to the percentile the sample size can tell apart (1 in count), 2 to 6 nines.
    double const decades = std::clamp(
        std::ceil(std::log10(std::max<double>(static_cast<double>(latency.count()), 1.0))), 2.0,
        6.0);
    constexpr int points = 240;
    std::vector<std::pair<double, double>> curve; // (x in decades, latency in ms)
    double y_max = 0;
    for (int i = 0; i <= points; ++i) {
        double const x = decades * i / points;
        double const p = 100.0 * (1.0 - std::pow(10.0, -x));
        double const ms = static_cast<double>(latency.value_at_percentile(p).count()) / 1e6;
        curve.emplace_back(x, ms);
        y_max = std::max(y_max, ms);
    }
    std::string out = open(title);
    double y_top = 1;
    out += frame(y_max, "Percentile", "Latency (ms)", y_top);
    for (int d = 0; d <= static_cast<int>(decades); ++d) {
        double const x = left + d / decades * plot_w;
        double const p = 100.0 * (1.0 - std::pow(10.0, -d));
        out += line(x, top + plot_h, x, top + plot_h + 5, "black");
        out += text(x, top + plot_h + 20, label_number(p) + "%");
    }
    if (!latency.empty()) {
        out += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"";
        for (auto const& [x, ms] : curve) {
            out += num(left + x / decades * plot_w) + "," +
                   num(top + plot_h - ms / y_top * plot_h) + " ";
        }
        out += "\"/>\n";
    } else {
        out += text(left + plot_w / 2, top + plot_h / 2, "no responses");
    }
    out += text(left + plot_w, top - 8,
                std::to_string(latency.count()) + " responses, max " +
                    label_number(static_cast<double>(latency.max().count()) / 1e6) + " ms",
                "end");
    out += "</svg>\n";
    return out;
}

std::string sweep_svg(std::vector<sweep_row> const& rows, std::string const& title)
{
    double y_max = 0;
    std::size_t lo = rows.empty() ? 1 : rows.front().clients;
    std::size_t hi = rows.empty() ? 1 : rows.back().clients;
    for (sweep_row const& row : rows) {
        y_max = std::max(y_max, row.seconds_per_1000);
    }
    std::string out = open(title);
    double y_top = 1;
    out += frame(y_max, "Concurrent clients", "Time per 1000 requests per client (s)", y_top);
    double const span = hi > lo ? static_cast<double>(hi - lo) : 1.0;
    auto const x_of = [&](std::size_t clients) {
        double const margin = plot_w * 0.05;
        return left + margin + static_cast<double>(clients - lo) / span * (plot_w - 2 * margin);
    };
    for (std::size_t k = lo; k <= hi; ++k) {
        out += line(x_of(k), top + plot_h, x_of(k), top + plot_h + 5, "black");
        out += text(x_of(k), top + plot_h + 20, std::to_string(k));
    }
    if (!rows.empty()) {
        out += "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\"";
        for (sweep_row const& row : rows) {
            out += num(x_of(row.clients)) + "," +
                   num(top + plot_h - row.seconds_per_1000 / y_top * plot_h) + " ";
        }
        out += "\"/>\n";
        for (sweep_row const& row : rows) {
            double const y = top + plot_h - row.seconds_per_1000 / y_top * plot_h;
            out += "<circle cx=\"" + num(x_of(row.clients)) + "\" cy=\"" + num(y) +
                   "\" r=\"4\" fill=\"#d62728\"/>\n";
            char value[32];
            std::snprintf(value, sizeof value, "%.3f", row.seconds_per_1000);
            out += text(x_of(row.clients), y - 10, value);
        }
    }
    out += "</svg>\n";
    return out;
}

void write_svg(std::string const& path, std::string const& svg)
{
    std::ofstream file{path, std::ios::binary | std::ios::trunc};
    file << svg;
    file.close();
    if (!file) {
        throw std::runtime_error("cannot write " + path);
    }
}

} // namespace ahttp::cli::bench
