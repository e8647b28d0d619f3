SELECT
  MIN(`t1`.`delivery_year`) AS `lo`,
  MAX(`t1`.`delivery_year`) AS `hi`
FROM (
  SELECT
    *
  FROM `my-project`.`dyadwatch`.`arms_transfers` AS `t0`
  WHERE
    `t0`.`source` = 'sipri'
) AS `t1`
