SELECT
  `t0`.`iso3_a`,
  `t0`.`iso3_b`,
  `t0`.`year`,
  `t0`.`defense`,
  `t0`.`offense`,
  `t0`.`neutral`,
  `t0`.`nonagg`,
  `t0`.`consul`,
  `t0`.`entente`
FROM `my-project`.`dyadwatch`.`alliance_dyad_year` AS `t0`
WHERE
  `t0`.`source` = 'cow_alliance'
  AND `t0`.`iso3_a` IN ('CHN', 'KAZ', 'RUS')
  AND `t0`.`iso3_b` IN ('CHN', 'KAZ', 'RUS')
ORDER BY
  `t0`.`iso3_a` ASC NULLS LAST,
  `t0`.`iso3_b` ASC NULLS LAST,
  `t0`.`year` ASC NULLS LAST
