{{ config(tags=["scored"]) }}
-- The similar-cases index as the API reads it: per term, the cases that carry it and the
-- term's weight in each (models/similar_cases), with the term's idf to weigh a query.
with

terms as (
    select * from {{ source('models', 'similar_case_terms') }}
),

idf as (
    select * from {{ source('models', 'similar_case_idf') }}
),

final as (
    select
        -- ids
        {{ dbt.concat(["terms.term", "'|'", "terms.work_order_id"]) }} as case_term_id,
        terms.term,
        terms.work_order_id,
        -- measures
        terms.weight,
        idf.idf
    from terms
    inner join idf on idf.term = terms.term
)

select * from final
