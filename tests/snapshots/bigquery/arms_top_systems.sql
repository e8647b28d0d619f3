SELECT
  *
FROM (
  SELECT
    `t1`.`designation`,
    `t1`.`description`,
    `t1`.`category`,
    SUM(`t1`.`tiv`) AS `tiv`,
    SUM(`t1`.`units`) AS `units`,
    MIN(`t1`.`delivery_year`) AS `first_year`,
    MAX(`t1`.`delivery_year`) AS `last_year`
  FROM (
    SELECT
      *
    FROM `my-project`.`dyadwatch`.`arms_transfers` AS `t0`
    WHERE
      `t0`.`source` = 'sipri' AND `t0`.`supplier` = 'RUS' AND `t0`.`recipient` = 'CHN'
  ) AS `t1`
  GROUP BY
    1,
    2,
    3
) AS `t2`
ORDER BY
  `t2`.`tiv` DESC,
  `t2`.`designation` ASC NULLS LAST
LIMIT 5
