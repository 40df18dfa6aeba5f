{#- The order that makes a row's latest version first among the versions of its key: the
    latest load, then within one load the later file (landing files are named by their
    export time, so name order is time order), then the later line of that file. -#}
{% macro latest_version_order() -%}
    _ingested_at desc, _file desc, _line desc
{%- endmacro %}
