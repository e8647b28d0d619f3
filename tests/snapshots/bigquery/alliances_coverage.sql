SELECT
  MIN(`t1`.`year`) AS `lo`,
  MAX(`t1`.`year`) AS `hi`,
  COUNT(`t1`.`defense`) AS `defense`,
  COUNT(`t1`.`offense`) AS `offense`,
  COUNT(`t1`.`neutral`) AS `neutral`,
  COUNT(`t1`.`nonagg`) AS `nonagg`,
  COUNT(`t1`.`consul`) AS `consul`,
  COUNT(`t1`.`entente`) AS `entente`
FROM (
  SELECT
    *
  FROM `my-project`.`dyadwatch`.`alliance_dyad_year` AS `t0`
  WHERE
    `t0`.`source` = 'atop'
) AS `t1`
