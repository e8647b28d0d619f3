SELECT
  `t0`.`year`,
  `t0`.`defense`,
  `t0`.`offense`,
  `t0`.`neutral`,
  `t0`.`nonagg`,
  `t0`.`consul`,
  `t0`.`entente`
FROM `my-project`.`dyadwatch`.`alliance_dyad_year` AS `t0`
WHERE
  `t0`.`source` = 'atop' AND `t0`.`iso3_a` = 'CHN' AND `t0`.`iso3_b` = 'RUS'
